import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { extname, resolve } from 'node:path'

import type { ImportGtSummary } from '../../shared/review'
import {
  readLabelsForDataset,
  writeLabelsForDataset,
  type StandaloneFormat,
} from '../jobs/import-labels'
import { LocatedError } from '../jobs/label-sources'
import type { Db } from '../store/database'
import { listLabelSets } from '../store/label-sets'

/** Which kind of ground truth a path held, as the review and `eval` report it. */
export type GtSource = ImportGtSummary['source']

/** The ground-truth files the review takes, and the importer format each is read with. */
const FORMATS = {
  mat: 'wider-mat',
  'wider-gt': 'wider',
  retinaface: 'retinaface',
} as const satisfies Record<GtSource, StandaloneFormat>

/** Enough of a label file to see whether it opens with a RetinaFace `# path` line. */
const HEAD_BYTES = 4096

export interface ImportGtOptions {
  /** Import again into a new set even when this path was imported before. */
  reimport?: boolean
}

/** What an import did; `reused` when an earlier import of the same path was taken instead. */
export type ImportGtResult = ImportGtSummary

/**
 * Import ground truth from files into a new `ground_truth` label set of the dataset, so the
 * review and the window work on it like on any other set. The general importer does the
 * work: images meet by their WIDER path (`event/name`); only the dataset's images are
 * imported, each recorded as covered even when it has no face, and .mat faces keep the
 * easy/medium/hard settings they count in.
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
  const source = gtSourceOf(name)
  const labels = readLabelsForDataset(db, datasetId, FORMATS[source], name)
  // A set covering no image of the dataset could only ever score nothing: write none.
  if (labels.images.length === 0) {
    throw new Error(
      labels.notInDataset > 0
        ? `None of the ${labels.notInDataset} ground-truth images of ${name} is in this ` +
            'dataset; open or annotate the folder that holds them first, or choose its dataset'
        : `${name} lists no image; give ground truth that labels at least one image`,
    )
  }
  const summary = {
    source,
    images: labels.images.length,
    faces: labels.images.reduce((n, image) => n + image.faces.length, 0),
    gtImagesNotInDataset: labels.notInDataset,
  }

  const earlier = listLabelSets(db, datasetId)
    .filter((s) => s.kind === 'ground_truth' && s.name === name)
    .at(-1)
  if (earlier && !options.reimport) return { labelSet: earlier, ...summary, reused: true }

  const labelSet = writeLabelsForDataset(db, labels, name)
  return { labelSet, ...summary, reused: false }
}

/**
 * A folder, or one of its `.mat` files, holds the official .mat files; a text file is a
 * RetinaFace label.txt when it opens with a `# path` line, else a wider_face_*_bbx_gt.txt. A
 * missing path throws an error with code ENOENT, which the API turns into "not found".
 */
export function gtSourceOf(path: string): GtSource {
  const info = statSync(path, { throwIfNoEntry: false })
  if (!info) {
    throw new LocatedError(
      `${path}: not found; expected ground truth: the folder of the official WIDER val .mat ` +
        'files, a wider_face_val_bbx_gt.txt or a RetinaFace label.txt',
      'ENOENT',
    )
  }
  if (info.isDirectory() || extname(path).toLowerCase() === '.mat') return 'mat'
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(HEAD_BYTES)
    const read = readSync(fd, head, 0, HEAD_BYTES, 0)
    return head.toString('utf8', 0, read).trimStart().startsWith('#') ? 'retinaface' : 'wider-gt'
  } finally {
    closeSync(fd)
  }
}
