import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { extname, resolve } from 'node:path'

import { IMPORT_FORMATS } from '../../shared/label-formats'
import type { LabelSetRecord } from '../../shared/records'
import type { NmeSummary, ReviewOptions, ReviewReport } from '../../shared/review'
import type { Db } from '../store/database'
import { annotationSet, getLabelSet, listLabelSets, runLabelSet } from '../store/label-sets'
import { importGroundTruth, type GtSource } from '../review/import-gt'
import { reviewLabelSets } from '../review/load'
import { IMAGE_EXTENSIONS } from './scan-folder'

/** What the reference can be, for messages; the forms `importGroundTruth` reads. */
const GT_FORMS =
  'a label set (its id, "annotation" or "run:<id>"), a folder of the official WIDER .mat ' +
  'files, a wider_face_*_bbx_gt.txt or a RetinaFace label.txt'

/** Enough of a label file to find its first line. */
const HEAD_BYTES = 4096

/**
 * A label set named on the command line: its id, `annotation` for the working set, or
 * `run:<id>` for a detection run's predictions.
 */
export type SetRef = number | 'annotation' | `run:${number}`

export interface EvaluateRequest {
  datasetId: number
  /**
   * The reference: a folder of the official .mat files, a wider_face_*_bbx_gt.txt or a
   * RetinaFace label.txt (imported as a `ground_truth` set first), or a label set.
   */
  gt: string | SetRef
  /** The label set to score; the newest detection run by default. */
  labelSetId?: SetRef
  iouThreshold?: number
  /** The rest of the review's knobs (min face size, score threshold, failure threshold). */
  options?: Partial<ReviewOptions>
  /** Import the ground-truth files again even when this path was imported before. */
  reimport?: boolean
}

export interface EvaluateReport {
  labelSet: LabelSetRecord
  gtSet: LabelSetRecord
  gtSource: GtSource | 'label-set'
  /** GT images that are also in the dataset: only these are scored. */
  images: number
  /** GT images the dataset does not hold, left out of the scores (files only). */
  gtImagesNotInDataset: number
  ap: { setting: string; ap: number; countedFaces: number }[]
  /** Null when the ground truth has no landmarks (WIDER val). */
  nme: NmeSummary | null
  /** The full comparison, exactly what the review window shows. */
  review: ReviewReport
}

/**
 * Score a label set against ground truth with the official WIDER protocol (easy/medium/hard
 * when the .mat subsets are given, else one `all` setting with invalid faces ignored, plus AP
 * over IoU 0.5:0.95) and the five-landmark NME where the ground truth has landmarks.
 *
 * Ground-truth files become a `ground_truth` label set on first use, so the CLI and the
 * window compare the very same faces. Only GT images present in the dataset are scored:
 * counting the others as misses would make a 40-image sample look like a detector that
 * finds nothing in 3,226 images.
 */
export function evaluateLabels(db: Db, request: EvaluateRequest): EvaluateReport {
  const labelSet = resolveSet(db, request.datasetId, request.labelSetId ?? 'newest-run')
  let gtSet: LabelSetRecord
  let gtSource: EvaluateReport['gtSource'] = 'label-set'
  let gtImagesNotInDataset = 0

  if (typeof request.gt === 'string' && !isSetRef(request.gt)) {
    requireGtFiles(request.gt)
    const imported = importGroundTruth(db, request.datasetId, request.gt, {
      reimport: request.reimport,
    })
    gtSet = imported.labelSet
    gtSource = imported.source
    gtImagesNotInDataset = imported.gtImagesNotInDataset
  } else {
    gtSet = resolveSet(db, request.datasetId, parseSetRef(String(request.gt)))
  }

  const review = reviewLabelSets(db, {
    predSetId: labelSet.id,
    gtSetId: gtSet.id,
    options: {
      ...request.options,
      iouThreshold: request.iouThreshold ?? request.options?.iouThreshold,
    },
  })
  if (review.images === 0) throw new Error(nothingToScore(gtSet))
  return {
    labelSet,
    gtSet,
    gtSource,
    images: review.images,
    gtImagesNotInDataset,
    ap: review.settings.map(({ setting, ap, countedFaces }) => ({ setting, ap, countedFaces })),
    nme: review.nme,
    review,
  }
}

/** Whether a command-line value names a label set rather than a file. */
export function isSetRef(value: string): boolean {
  return /^(\d+|annotation|run:\d+)$/.test(value)
}

/** `12` → 12; `annotation` and `run:3` stay as they are. */
export function parseSetRef(value: string): SetRef {
  return /^\d+$/.test(value) ? Number(value) : (value as SetRef)
}

/**
 * The dataset a set reference points into, when it names one by id (`12`, `run:3`): a
 * store with several datasets then needs no `--dataset` beside an explicit set.
 */
export function datasetOfSetRef(db: Db, value: string | undefined): number | undefined {
  if (value === undefined || !isSetRef(value)) return undefined
  const ref = parseSetRef(value)
  if (ref === 'annotation') return undefined
  const set = typeof ref === 'number' ? getLabelSet(db, ref) : runLabelSet(db, Number(ref.slice(4)))
  return set?.datasetId
}

function resolveSet(db: Db, datasetId: number, ref: SetRef | 'newest-run'): LabelSetRecord {
  const sets = listLabelSets(db, datasetId)
  let chosen: LabelSetRecord | undefined
  if (ref === 'newest-run') chosen = sets.filter((s) => s.kind === 'predictions').at(-1)
  else if (ref === 'annotation') chosen = annotationSet(db, datasetId)
  else if (typeof ref === 'number') chosen = getLabelSet(db, ref)
  else chosen = runLabelSet(db, Number(ref.slice(4)))
  if (chosen && chosen.datasetId === datasetId) return chosen

  const known = sets.map((s) => `${s.id} ${s.kind} "${s.name}"`).join(', ') || 'none'
  throw new Error(
    ref === 'newest-run'
      ? 'No detection run to evaluate; run `facemark annotate <images-dir>` first'
      : `No label set ${ref} in this dataset; known: ${known}`,
  )
}

/**
 * Refuse ground-truth files the importer would misread. Anything that is not a folder or a
 * RetinaFace label.txt is parsed as WIDER text, so a COCO JSON would fail on its first line
 * with a message about face counts; this says what --gt takes instead.
 */
function requireGtFiles(path: string): void {
  const problem = gtFileProblem(path)
  if (!problem) return
  const others = IMPORT_FORMATS.filter((f) => !['wider', 'wider-mat', 'retinaface'].includes(f))
  throw new Error(
    `--gt ${resolve(path)} ${problem}. --gt takes ${GT_FORMS}. For other formats ` +
      `(${others.join(', ')}), run \`facemark import <path> --format <format>\` first and ` +
      'pass the id of the set it prints to --gt',
  )
}

/** Why `path` is not ground truth eval can read, or null when it looks like one. */
function gtFileProblem(path: string): string | null {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (!stats) return 'does not exist'
  if (stats.isDirectory()) {
    const hasMat = readdirSync(path).some((name) => extname(name).toLowerCase() === '.mat')
    return hasMat ? null : 'is a folder without the official .mat files'
  }
  // One of the official .mat files stands for its folder; the importer checks the name.
  if (extname(path).toLowerCase() === '.mat') return null

  const firstLine = readHead(path)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find(Boolean)
  // RetinaFace label.txt opens with "# <image path>", WIDER bbx_gt.txt with the image path.
  if (firstLine?.startsWith('#')) return null
  if (firstLine && IMAGE_EXTENSIONS.has(extname(firstLine).toLowerCase())) return null
  if (extname(path).toLowerCase() === '.json' || /^[[{]/.test(firstLine ?? '')) {
    return 'is JSON (COCO or labelme), which eval does not read directly'
  }
  return firstLine
    ? 'does not open with an image path (WIDER) or a "# <image path>" line (RetinaFace)'
    : 'is empty'
}

function readHead(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(HEAD_BYTES)
    return head.toString('utf8', 0, readSync(fd, head, 0, HEAD_BYTES, 0))
  } finally {
    closeSync(fd)
  }
}

/** Why a comparison covering no image has no numbers, and what to do about it. */
function nothingToScore(gtSet: LabelSetRecord): string {
  if (gtSet.kind === 'annotation') {
    return (
      'The annotation set covers no image yet: it only covers images a person has edited or ' +
      'marked done in the app. Review some images first, or give --gt ground-truth files or ' +
      'another label set'
    )
  }
  return (
    `${gtSet.kind} set ${gtSet.id} "${gtSet.name}" covers no image, so there is nothing to ` +
    'score; give --gt a set that holds labelled images'
  )
}
