import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { datasetOfSetRef, evaluateLabels } from '../../src/main/jobs/evaluate-labels'
import { copyFaceToSet, deleteReviewedFace, judgeFace } from '../../src/main/review/fixes'
import { importGroundTruth } from '../../src/main/review/import-gt'
import { reviewLabelSets } from '../../src/main/review/load'
import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { facesForSet, insertFace } from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { annotationSet, createLabelSet, listLabelSets } from '../../src/main/store/label-sets'
import type { LabelSetRecord } from '../../src/shared/records'
import { GROUND_TRUTH } from '../eval/paths'
import { drawn, META } from '../store/helpers'

/**
 * The three .mat images of test/eval/sample-mat.test.ts, stored as dataset images (no files
 * needed), with the same predictions in a label set: the stored path must give the same
 * hand-derived AP as the protocol on files.
 */
const IMAGES = {
  noFaces: 'val/images/0--Parade/0_Parade_Parade_0_275.jpg',
  ignored: 'val/images/13--Interview/13_Interview_Interview_2_People_Visible_13_442.jpg',
  mixed: 'val/images/14--Traffic/14_Traffic_Traffic_14_504.jpg',
}
const EXPECTED = { easy: 1, medium: 0.75, hard: 34 / 45 }

let db: Db
let datasetId: number
let ids: Record<keyof typeof IMAGES, number>
let predSet: LabelSetRecord

function predict(imageId: number, x: number, y: number, w: number, h: number, score: number) {
  return insertFace(db, predSet.id, imageId, { ...drawn(x, y, w, h), score }, 'model')
}

beforeEach(() => {
  db = openDatabase(':memory:')
  datasetId = ensureDataset(db, '/data/wider').id
  ids = Object.fromEntries(
    Object.entries(IMAGES).map(([name, path]) => [name, upsertImage(db, datasetId, path, META).id]),
  ) as typeof ids
  // An image the ground truth does not cover: its detections must not count.
  const extra = upsertImage(db, datasetId, 'train/images/x/unrelated.jpg', META).id

  predSet = createLabelSet(db, datasetId, 'predictions', 'model A')
  predict(ids.noFaces, 500, 500, 20, 20, 0.6)
  predict(ids.ignored, 959, 434, 3, 3, 0.9)
  predict(ids.ignored, 220, 529, 12, 20, 0.7)
  predict(ids.mixed, 784, 245, 33, 42, 0.5)
  predict(ids.mixed, 348, 110, 49, 64, 1)
  predict(ids.mixed, 349, 110, 49, 64, 0.8)
  predict(ids.mixed, 988, 304, 10, 9, 0)
  predict(extra, 0, 0, 50, 50, 0.99)
})

afterEach(() => db.close())

describe('when .mat ground truth is imported as a label set', () => {
  it('imports the dataset images only, the no-face image included, and reuses the import', () => {
    const first = importGroundTruth(db, datasetId, GROUND_TRUTH)
    const again = importGroundTruth(db, datasetId, GROUND_TRUTH)

    expect(first).toMatchObject({ source: 'mat', images: 3, faces: 6, reused: false })
    expect(first.gtImagesNotInDataset).toBe(3223)
    expect(again).toMatchObject({ reused: true, labelSet: first.labelSet })
    expect(facesForSet(db, first.labelSet.id).get(ids.noFaces)).toHaveLength(1)
  })

  it('refuses ground truth that covers no image of the dataset and writes no set', () => {
    const other = ensureDataset(db, '/data/elsewhere').id
    upsertImage(db, other, 'photos/a.jpg', META)

    expect(() => importGroundTruth(db, other, GROUND_TRUTH)).toThrow(
      /^None of the 3226 ground-truth images of .* is in this dataset; open or annotate/,
    )
    expect(listLabelSets(db, other)).toEqual([])
  })

  it('gives the hand-derived AP per setting from the stored sets', () => {
    const gt = importGroundTruth(db, datasetId, GROUND_TRUTH).labelSet
    const report = reviewLabelSets(db, {
      predSetId: predSet.id,
      gtSetId: gt.id,
      options: { scoreThreshold: 0 },
    })

    expect(report.images).toBe(3)
    expect(report.widerSubsets).toBe(true)
    for (const s of report.settings) {
      expect(s.ap, s.setting).toBeCloseTo(EXPECTED[s.setting as keyof typeof EXPECTED], 12)
    }
    // hard: three found, the duplicate and the far box wrong, two hits on uncounted faces.
    expect(report.counts).toMatchObject({ tp: 3, duplicate: 1, fp: 1, ignoredPredictions: 2 })
  })

  it('gives the same numbers from files and from the imported set', () => {
    const fromFiles = evaluateLabels(db, { datasetId, gt: GROUND_TRUTH, labelSetId: predSet.id })
    const fromSet = evaluateLabels(db, {
      datasetId,
      gt: String(fromFiles.gtSet.id),
      labelSetId: predSet.id,
    })

    expect(fromSet.ap).toEqual(fromFiles.ap)
    expect(fromFiles.gtSource).toBe('mat')
    expect(fromSet.gtSource).toBe('label-set')
  })

  it('finds the dataset of a set named by id, even when a newer dataset exists', () => {
    const newer = ensureDataset(db, '/data/other').id
    createLabelSet(db, newer, 'predictions', 'model B')

    expect(newer).toBeGreaterThan(datasetId)
    expect(datasetOfSetRef(db, String(predSet.id))).toBe(datasetId)
    expect(datasetOfSetRef(db, 'annotation')).toBeUndefined()
    expect(datasetOfSetRef(db, '/some/ground_truth')).toBeUndefined()
    expect(datasetOfSetRef(db, '999')).toBeUndefined()
  })
})

describe('when a case is fixed from the review', () => {
  let gt: LabelSetRecord

  beforeEach(() => {
    gt = importGroundTruth(db, datasetId, GROUND_TRUTH).labelSet
  })

  const review = () =>
    reviewLabelSets(db, { predSetId: predSet.id, gtSetId: gt.id, options: { scoreThreshold: 0 } })

  it('turns a miss into a label of the annotation set', () => {
    const strict = reviewLabelSets(db, {
      predSetId: predSet.id,
      gtSetId: gt.id,
      options: { scoreThreshold: 0.6 },
    })
    const miss = strict.cases.find((c) => c.kind === 'miss' && c.imageId === ids.mixed)!
    const copy = copyFaceToSet(db, miss.faceId, annotationSet(db, datasetId).id)

    expect(copy).toMatchObject({ source: 'human', box: miss.box, imageId: ids.mixed })
  })

  it('adds a detection the ground truth lacked, and the summary counts it', () => {
    const before = review()
    const fp = before.cases.find((c) => c.kind === 'fp' && c.imageId === ids.noFaces)!
    copyFaceToSet(db, fp.faceId, gt.id)
    const after = review()

    expect(after.counts.fp).toBe(before.counts.fp - 1)
    expect(after.settings.find((s) => s.setting === 'hard')!.countedFaces).toBe(4)
  })

  it('deletes a wrong ground-truth face but keeps the image covered', () => {
    const [gtFace] = facesForSet(db, gt.id).get(ids.ignored)!
    deleteReviewedFace(db, gtFace.id)

    expect(review().images).toBe(3)
    expect(review().settings.find((s) => s.setting === 'hard')!.countedFaces).toBe(2)
  })

  it('refuses to change a detection run', () => {
    const [p] = facesForSet(db, predSet.id).get(ids.mixed)!

    expect(() => deleteReviewedFace(db, p.id)).toThrow(/detector wrong/)
    expect(() => copyFaceToSet(db, p.id, predSet.id)).toThrow(/predictions stay/)
  })

  it('records verdicts and updates the summary', () => {
    const fp = review().cases.find((c) => c.kind === 'fp')!
    judgeFace(db, fp.faceId, 'gt_wrong')
    const judged = review()

    expect(judged.verdicts).toEqual({ gtWrong: 1, detectorWrong: 0 })
    expect(judged.cases.find((c) => c.faceId === fp.faceId)!.verdict).toBe('gt_wrong')
    expect(judged.adjustedAp!.find((a) => a.setting === 'hard')!.ap).toBeGreaterThan(EXPECTED.hard)

    judgeFace(db, fp.faceId, null)
    expect(review().verdicts.gtWrong).toBe(0)
  })
})
