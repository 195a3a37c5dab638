import { resolve } from 'node:path'

import type { ImportGtSummary } from '../../shared/review'
import type { WiderSetting } from '../eval/wider-mat'
import { widerPath } from '../jobs/dataset-paths'
import type { Db } from '../store/database'
import { writeFace } from '../store/faces'
import { listImages } from '../store/images'
import { createLabelSet, listLabelSets } from '../store/label-sets'
import { addSetImages, setFaceSubsets } from '../store/review'
import { now } from '../store/statements'
import { keyOf, readGtFiles } from './gt-files'

export interface ImportGtOptions {
  /** Import again into a new set even when this path was imported before. */
  reimport?: boolean
}

/** What an import did; `reused` when an earlier import of the same path was taken instead. */
export type ImportGtResult = ImportGtSummary

/**
 * Import ground truth from files into a new `ground_truth` label set of the dataset, so the
 * review and the window work on it like on any other set. Images meet by their WIDER path
 * (`event/name`); only the dataset's images are imported, each recorded as covered even
 * when it has no face, and .mat faces keep the easy/medium/hard settings they count in.
 *
 * The set is named after the resolved path; importing the same path again returns that set
 * unless `reimport` asks for a fresh copy (after the files changed).
 */
export function importGroundTruth(
  db: Db,
  datasetId: number,
  path: string,
  options: ImportGtOptions = {},
): ImportGtResult {
  const name = resolve(path)
  const files = readGtFiles(name)
  const byKey = new Map<string, number>()
  for (const image of listImages(db, datasetId)) {
    const key = keyOf(widerPath(image.relPath))
    if (!byKey.has(key)) byKey.set(key, image.id)
  }
  const matched = files.images.filter((image) => byKey.has(image.key))
  const summary = {
    source: files.source,
    images: matched.length,
    faces: matched.reduce((n, image) => n + image.faces.length, 0),
    gtImagesNotInDataset: files.images.length - matched.length,
  }

  const earlier = listLabelSets(db, datasetId)
    .filter((s) => s.kind === 'ground_truth' && s.name === name)
    .at(-1)
  if (earlier && !options.reimport) return { labelSet: earlier, ...summary, reused: true }

  // One transaction: an interrupted import leaves no half-filled set behind.
  const labelSet = db.transaction(() => {
    const set = createLabelSet(db, datasetId, 'ground_truth', name)
    const at = now()
    for (const image of matched) {
      const imageId = byKey.get(image.key)!
      image.faces.forEach((face, i) => {
        const faceId = writeFace(db, set.id, imageId, face, 'import', {}, at)
        if (files.settings.length > 0) {
          const inSettings = files.settings.filter((s) => image.subsets?.[s]?.includes(i))
          setFaceSubsets(db, faceId, inSettings satisfies WiderSetting[])
        }
      })
    }
    addSetImages(
      db,
      set.id,
      matched.map((image) => byKey.get(image.key)!),
    )
    return set
  })()
  return { labelSet, ...summary, reused: false }
}
