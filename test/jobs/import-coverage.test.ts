import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { WIDER_SETTINGS } from '../../src/main/eval/wider-mat'
import { importLabels } from '../../src/main/jobs/import-labels'
import { importGroundTruth } from '../../src/main/review/import-gt'
import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { facesForSet } from '../../src/main/store/faces'
import { listImages, upsertImage } from '../../src/main/store/images'
import { getLabelSet } from '../../src/main/store/label-sets'
import { setImageIds, subsetsForSet } from '../../src/main/store/review'
import { META } from '../store/helpers'
import { casesDir, sampleDir } from '../support/shared'

const ZERO_FACES = join(casesDir, 'wider-zero-faces/wider_face_split')
const MAT = join(sampleDir, 'ground_truth')

/** Faces per easy/medium/hard on the sample's 23 val photos, as `npm run sample` prints. */
const COUNTED = { easy: 71, medium: 175, hard: 361 }

let db: Db

beforeEach(() => {
  db = openDatabase(':memory:')
})
afterEach(() => db.close())

/** Image path → number of faces, for every image the set covers. */
function coverage(labelSetId: number) {
  const set = getLabelSet(db, labelSetId)!
  const faces = facesForSet(db, labelSetId)
  const paths = new Map(listImages(db, set.datasetId).map((i) => [i.id, i.relPath]))
  return Object.fromEntries(
    [...setImageIds(db, set)].map((id) => [paths.get(id), faces.get(id)?.length ?? 0]),
  )
}

/** Faces of the given images per WIDER setting, from the stored subsets. */
function countedFaces(labelSetId: number, imageIds: ReadonlySet<number>) {
  const subsets = subsetsForSet(db, labelSetId)
  const counts = Object.fromEntries(WIDER_SETTINGS.map((s) => [s, 0]))
  for (const [imageId, faces] of facesForSet(db, labelSetId)) {
    if (!imageIds.has(imageId)) continue
    for (const face of faces) for (const s of subsets.get(face.id) ?? []) counts[s]++
  }
  return counts
}

describe('when a label file lists an image with no face', () => {
  it.each(['wider_face_val_bbx_gt.txt', 'wider_face_val_bbx_gt_nodummy.txt'])(
    'records it as covered from %s',
    async (file) => {
      const imported = await importLabels(db, { format: 'wider', path: join(ZERO_FACES, file) })

      expect(coverage(imported.labelSet.id)).toEqual({
        'images/0--Parade/0_Parade_a.jpg': 1,
        'images/0--Parade/0_Parade_empty.jpg': 0,
        'images/0--Parade/0_Parade_b.jpg': 2,
      })
    },
  )
})

describe('when the official .mat folder is imported', () => {
  it('keeps easy/medium/hard and covers every image the files list', async () => {
    const imported = await importLabels(db, { format: 'wider-mat', path: MAT })
    const onDisk = new Set(
      listImages(db, imported.datasetId)
        .filter((image) => !imported.missingImages.includes(image.relPath))
        .map((image) => image.id),
    )

    expect(imported.root).toBe(join(sampleDir, 'val'))
    expect(imported.images).toBe(3226)
    expect(onDisk.size).toBe(23)
    expect(setImageIds(db, imported.labelSet).size).toBe(3226)
    expect(countedFaces(imported.labelSet.id, onDisk)).toEqual(COUNTED)
  })

  it('gives the review the same subsets for a dataset that holds the photos', () => {
    const datasetId = ensureDataset(db, sampleDir).id
    const events = readdirSync(join(sampleDir, 'val/images'))
    for (const event of events) {
      for (const name of readdirSync(join(sampleDir, 'val/images', event))) {
        upsertImage(db, datasetId, `val/images/${event}/${name}`, META)
      }
    }
    const imported = importGroundTruth(db, datasetId, MAT)
    const covered = setImageIds(db, imported.labelSet)

    expect(imported).toMatchObject({ source: 'mat', images: 23, gtImagesNotInDataset: 3203 })
    expect(covered.size).toBe(23)
    expect(countedFaces(imported.labelSet.id, covered)).toEqual(COUNTED)
  })
})
