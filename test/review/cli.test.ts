import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openDatabase } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { insertFace } from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { annotationSet, createLabelSet } from '../../src/main/store/label-sets'
import { facemark as facemarkRun } from '../cli/run-cli'
import { GROUND_TRUTH } from '../eval/paths'
import { detected, drawn, META } from '../store/helpers'
import { repoRoot } from '../support/shared'

const run = promisify(execFile)
const MIXED = 'val/images/14--Traffic/14_Traffic_Traffic_14_504.jpg'

let dir: string
let db: string
let predSetId: number
let landmarkGtId: number
let unreviewedDb: string
let unreviewedPredId: number

async function facemark(args: string[]) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/main/cli.ts'), ...args, '--db', db],
    { cwd: repoRoot },
  )
  return stdout
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-review-cli-'))
  db = join(dir, 'labels.sqlite')
  const store = openDatabase(db)
  const datasetId = ensureDataset(store, '/data/wider').id
  const imageId = upsertImage(store, datasetId, MIXED, META).id
  predSetId = createLabelSet(store, datasetId, 'predictions', 'model A').id
  // Face 1 found twice, face 0 missed; a person drew face 0 in the annotation set.
  insertFace(store, predSetId, imageId, { ...drawn(348, 110, 49, 64), score: 0.9 }, 'model')
  insertFace(store, predSetId, imageId, { ...drawn(349, 110, 49, 64), score: 0.8 }, 'model')
  insertFace(store, annotationSet(store, datasetId).id, imageId, drawn(784, 245, 33, 42), 'human')
  // Reference faces with five points; the predictions above have none.
  landmarkGtId = createLabelSet(store, datasetId, 'ground_truth', 'with landmarks').id
  const withPoints = {
    ...drawn(348, 110, 49, 64),
    landmarks: detected(348, 110, 49, 64, 1).landmarks,
  }
  insertFace(store, landmarkGtId, imageId, withPoints, 'import')
  store.close()

  // A store where the model ran but nobody has reviewed an image yet.
  unreviewedDb = join(dir, 'unreviewed.sqlite')
  const fresh = openDatabase(unreviewedDb)
  const freshDataset = ensureDataset(fresh, '/data/wider').id
  const freshImage = upsertImage(fresh, freshDataset, MIXED, META).id
  unreviewedPredId = createLabelSet(fresh, freshDataset, 'predictions', 'model B').id
  insertFace(
    fresh,
    unreviewedPredId,
    freshImage,
    { ...drawn(348, 110, 49, 64), score: 0.9 },
    'model',
  )
  fresh.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('when eval compares label sets from the command line', () => {
  it('scores a run against .mat files, then against the imported set, with the same numbers', async () => {
    const fromFiles = JSON.parse(
      await facemark(['eval', '--gt', GROUND_TRUTH, '--pred', String(predSetId), '--json']),
    )
    const fromSet = JSON.parse(
      await facemark(['eval', '--gt', String(fromFiles.gtSet.id), '--json']),
    )

    expect(fromFiles.gtSource).toBe('mat')
    expect(fromSet.ap).toEqual(fromFiles.ap)
    // medium: the 1st prediction finds face 1, the duplicate costs precision, face 0 is missed.
    expect(fromFiles.ap.find((a: { setting: string }) => a.setting === 'medium').ap).toBeCloseTo(
      0.5,
      12,
    )
    expect(fromFiles.review.counts).toMatchObject({ tp: 1, duplicate: 1, miss: 1 })
    expect(fromFiles.review.cases.map((c: { kind: string }) => c.kind).sort()).toEqual([
      'duplicate',
      'miss',
    ])
  })

  it('scores the model against the human labels, with AP over IoU 0.50:0.95', async () => {
    const report = JSON.parse(
      await facemark(['eval', '--gt', 'annotation', '--pred', `${predSetId}`, '--json']),
    )

    expect(report.gtSet.kind).toBe('annotation')
    expect(report.review.widerSubsets).toBe(false)
    expect(report.review.apByIou).toHaveLength(10)
    expect(report.review.counts).toMatchObject({ tp: 0, fp: 2, miss: 1 })
  })

  it('prints a readable summary with the worst images', async () => {
    const text = await facemark([
      'eval',
      '--gt',
      GROUND_TRUTH,
      '--pred',
      String(predSetId),
      '--score',
      '0.85',
    ])

    expect(text).toMatch(/AP hard\s+0\.\d{4}/)
    expect(text).toContain('at score ≥ 0.85 (hard): 1 found, 1 missed, 0 false positives')
    expect(text).toContain(MIXED)
    // The .mat ground truth carries no landmarks: the NME line says so instead of vanishing.
    expect(text).toContain('landmark NME not available: the ground truth has no landmarks')
  })
})

describe('when eval has nothing to measure', () => {
  it('says the landmark NME is not available when no matched face has landmarks', async () => {
    const args = ['eval', '--gt', String(landmarkGtId), '--pred', String(predSetId)]
    const text = await facemark(args)
    const report = JSON.parse(await facemark([...args, '--json']))

    expect(text).toContain(
      'landmark NME not available: no matched face with landmarks (1 ground-truth faces with ' +
        'landmarks, none matched by a prediction that has landmarks)',
    )
    expect(text).not.toContain('landmark NME 0.0000')
    for (const nme of [report.nme, report.review.nme]) {
      expect(nme).toMatchObject({ mean: null, failureRate: null, matchedFaces: 0, unmatched: 1 })
      expect(nme.perLandmark).toEqual([null, null, null, null, null])
    }
  })

  it('exits 1 when the annotation set covers no image yet, instead of printing AP 0', async () => {
    const result = await facemarkRun([
      'eval',
      '--gt',
      'annotation',
      '--pred',
      String(unreviewedPredId),
      '--db',
      unreviewedDb,
    ])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'The annotation set covers no image yet: it only covers images a person has edited or ' +
        'marked done in the app',
    )
    expect(result.stdout).not.toContain('AP all')
  })

  it('refuses a COCO file with the forms --gt takes, without quoting the file', async () => {
    const coco = join(dir, 'x.json')
    writeFileSync(coco, JSON.stringify({ images: [], annotations: [], categories: [] }))
    const result = await facemarkRun(['eval', '--gt', coco, '--db', db])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `--gt ${coco} is JSON (COCO or labelme), which eval does not read directly. --gt takes ` +
        'a label set (its id, "annotation" or "run:<id>"), a folder of the official WIDER .mat ' +
        'files, a wider_face_*_bbx_gt.txt or a RetinaFace label.txt. For other formats ' +
        '(coco, yolo-face, yolo-pose, labelme), run `facemark import <path> --format <format>` ' +
        'first',
    )
    expect(result.stderr).not.toContain('"images"')
  })
})
