/**
 * The detector-error review as both front ends see it: two label sets of one dataset compared
 * face by face with the WIDER protocol, summarised as AP, PR curves and the landmark CED, and
 * broken down into error cases a person can open, judge and fix. Plain JSON only, so the same
 * report travels over IPC, HTTP and `facemark eval --json`.
 */
import type { Box, WiderAttributes } from './face'
import type { DetectionRunRecord, LabelSetRecord } from './records'

/** What a person concluded about an error case. */
export type Verdict = 'gt_wrong' | 'detector_wrong'

/**
 * An error case: a prediction without a matching face (`fp`), a second prediction on a face
 * already found (`duplicate`), a ground-truth face nothing found (`miss`), or a matched face
 * whose landmarks are off by more than the failure threshold (`landmarks`).
 */
export type CaseKind = 'fp' | 'duplicate' | 'miss' | 'landmarks'

/** Face size by √(w·h) of its box: under 16, 16–32, 32–96, 96 px and over. */
export type SizeBand = 'tiny' | 'small' | 'medium' | 'large'

/** The knobs of a comparison; every field has the default shown. */
export interface ReviewOptions {
  /** IoU a prediction needs to match a ground-truth face: 0.5, as in WIDER. */
  iouThreshold: number
  /** Ground-truth faces smaller than this (shorter box side, px) are ignored like invalid ones: 0. */
  minFaceSize: number
  /** The operating point: predictions below this score are not cases and find no faces: 0.5. */
  scoreThreshold: number
  /** A matched face fails above this landmark NME: 0.1, as in RetinaFace. */
  failureThreshold: number
}

export const DEFAULT_REVIEW_OPTIONS: Readonly<ReviewOptions> = Object.freeze({
  iouThreshold: 0.5,
  minFaceSize: 0,
  scoreThreshold: 0.5,
  failureThreshold: 0.1,
})

/** One error case, with what the error browser sorts and filters by. */
export interface ReviewCase {
  kind: CaseKind
  imageId: number
  relPath: string
  /** The face the case is about: the prediction, or the ground-truth face for a miss. */
  faceId: number
  /** The face on the other side: the matched ground truth, or the closest prediction. */
  otherFaceId: number | null
  box: Box
  otherBox: Box | null
  /** The prediction's score (null for a miss or a face stored without one). */
  score: number | null
  /** IoU with the other face in the WIDER "+1 pixel" convention; null when there is none. */
  iou: number | null
  /** Landmark NME of the pair, normalised by √(w·h) of the ground-truth box. */
  nme: number | null
  /** √(w·h) of the ground-truth box where there is one, else of the face's own box. */
  size: number
  sizeBand: SizeBand
  /** The ground-truth face's attributes where there is one, else the face's own. */
  attributes: WiderAttributes
  verdict: Verdict | null
}

/** AP and the PR curve of one setting (`easy`, `medium`, `hard`, or `all`). */
export interface SettingSummary {
  setting: string
  ap: number
  countedFaces: number
  /** One point per protocol threshold, thresholds descending. */
  recall: number[]
  precision: number[]
}

/** Face counts at the operating point (the primary setting: `hard`, else `all`). */
export interface ReviewCounts {
  tp: number
  fp: number
  duplicate: number
  miss: number
  /** Predictions on faces that do not count (invalid, tiny, outside the setting). */
  ignoredPredictions: number
  /** Ground-truth faces that do not count. */
  ignoredGt: number
  /** Predictions under the score threshold, left out of the counts and cases. */
  belowThreshold: number
}

/** The landmark summary over matched faces whose ground truth has landmarks. */
export interface NmeSummary {
  mean: number
  failureRate: number
  matchedFaces: number
  unmatched: number
  perLandmark: number[]
  /** Share of matched faces with NME ≤ each value, from 0 to 0.2. */
  ced: { nme: number; fraction: number }[]
}

/** Error counts of one image, for sorting the image list worst first. */
export interface ReviewImageCounts {
  imageId: number
  relPath: string
  fp: number
  duplicate: number
  miss: number
  landmarks: number
  errors: number
}

/** Everything the review window shows and `facemark eval --json` prints. */
export interface ReviewReport {
  predSet: LabelSetRecord
  gtSet: LabelSetRecord
  options: ReviewOptions
  /** Images compared: those the ground truth covers. */
  images: number
  /** True when the ground truth carries the WIDER easy/medium/hard subsets. */
  widerSubsets: boolean
  /** The setting the per-face classes and cases come from. */
  primarySetting: string
  settings: SettingSummary[]
  /** Without subsets: AP of the `all` setting at IoU 0.50, 0.55 … 0.95, and their mean. */
  apByIou: { iou: number; ap: number }[]
  apRange: number | null
  counts: ReviewCounts
  nme: NmeSummary | null
  verdicts: { gtWrong: number; detectorWrong: number }
  /** AP per setting with "ground truth wrong" cases left out; null while there are none. */
  adjustedAp: { setting: string; ap: number }[] | null
  imageCounts: ReviewImageCounts[]
  cases: ReviewCase[]
}

/** A label set as the review lists it: what it is, how many faces, and the run behind it. */
export interface ReviewLabelSet extends LabelSetRecord {
  faces: number
  /** Model, parameters and date of the detection run of a `predictions` set. */
  run: DetectionRunRecord | null
}

/** What importing ground-truth files did. */
export interface ImportGtSummary {
  labelSet: LabelSetRecord
  source: 'mat' | 'wider-gt' | 'retinaface'
  /** Ground-truth images found in the dataset, and so imported (faces or not). */
  images: number
  faces: number
  /** Ground-truth images the dataset does not hold, left out. */
  gtImagesNotInDataset: number
  /** True when an earlier import of the same path was returned instead. */
  reused: boolean
}

/** The size band of a face whose box side mean is `size` px. */
export function sizeBand(size: number): SizeBand {
  if (size < 16) return 'tiny'
  if (size < 32) return 'small'
  if (size < 96) return 'medium'
  return 'large'
}

/** Quotes a CSV field only when it needs it (RFC 4180). */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows to CSV text with a header line. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n'
}

/** The summary numbers as CSV: one `metric,setting,value` row each. */
export function summaryCsv(report: ReviewReport): string {
  const rows: unknown[][] = []
  for (const s of report.settings) {
    rows.push(['ap', s.setting, s.ap], ['counted_faces', s.setting, s.countedFaces])
  }
  for (const { iou, ap } of report.apByIou) rows.push(['ap_at_iou', iou.toFixed(2), ap])
  if (report.apRange !== null) rows.push(['ap_0.50:0.95', 'all', report.apRange])
  for (const [name, value] of Object.entries(report.counts)) rows.push([name, '', value])
  if (report.nme) {
    // With no matched face the mean is undefined, not 0: leave the cells empty.
    const { mean, failureRate, matchedFaces } = report.nme
    const measured = matchedFaces > 0
    rows.push(
      ['nme_mean', '', measured ? mean : null],
      ['nme_failure_rate', '', measured ? failureRate : null],
    )
    rows.push(['nme_matched_faces', '', matchedFaces])
  }
  for (const a of report.adjustedAp ?? []) rows.push(['adjusted_ap', a.setting, a.ap])
  return toCsv(['metric', 'setting', 'value'], rows)
}

/** The PR curves as CSV, one row per setting and threshold step. */
export function curvesCsv(report: ReviewReport): string {
  const rows = report.settings.flatMap((s) =>
    s.recall.map((r, i) => [s.setting, i, r, s.precision[i]]),
  )
  return toCsv(['setting', 'step', 'recall', 'precision'], rows)
}

/** The landmark cumulative error distribution as CSV. */
export function cedCsv(report: ReviewReport): string {
  return toCsv(
    ['nme', 'fraction'],
    (report.nme?.ced ?? []).map((p) => [p.nme, p.fraction]),
  )
}

/** The error cases as CSV. */
export function casesCsv(cases: readonly ReviewCase[]): string {
  const header = ['kind', 'image', 'face_id', 'other_face_id', 'score', 'iou', 'nme', 'size']
  const rows = cases.map((c) => [
    c.kind,
    c.relPath,
    c.faceId,
    c.otherFaceId,
    c.score,
    c.iou,
    c.nme,
    c.size,
  ])
  return toCsv(
    [...header, 'blur', 'occlusion', 'pose', 'verdict'],
    rows.map((row, i) => {
      const a = cases[i].attributes
      return [...row, a.blur, a.occlusion, a.pose, cases[i].verdict]
    }),
  )
}
