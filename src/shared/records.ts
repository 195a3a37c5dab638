/**
 * Records as the label store hands them out. The renderer receives these through the API, so
 * they hold plain JSON values only (numbers, strings, arrays, null).
 */
import type { FaceLabel } from './face'

/** An image's review state, in the order work moves through them. */
export const IMAGE_STATUSES = ['todo', 'in_progress', 'done', 'needs_review'] as const
export type ImageStatus = (typeof IMAGE_STATUSES)[number]

/** Where a face came from. `model` faces are detector proposals not yet touched by a person. */
export type FaceSource = 'model' | 'human' | 'import'

/**
 * A dataset holds label sets side by side: the one working `annotation` set people edit, one
 * immutable `predictions` set per detection run, and `ground_truth` sets made by imports.
 */
export type LabelSetKind = 'annotation' | 'predictions' | 'ground_truth'

export interface DatasetRecord {
  id: number
  root: string
  name: string
  createdAt: string
}

export interface ImageRecord {
  id: number
  datasetId: number
  /** Path relative to the dataset root, with `/` separators, exactly as on disk otherwise. */
  relPath: string
  /** Upright size (after EXIF orientation); null until the image has been read once. */
  width: number | null
  height: number | null
  /** EXIF orientation tag 1..8 as found in the file (1 when absent). */
  orientation: number
  sha256: string | null
  /** File size in bytes when last hashed; a different size on disk means a replaced file. */
  byteSize: number | null
  status: ImageStatus
  /** Why the file could not be read, in words a user can act on; null when it is fine. */
  error: string | null
  /** Faces in the annotation set, and how many of them are untouched model proposals. */
  faceCount: number
  proposalCount: number
}

export interface LabelSetRecord {
  id: number
  datasetId: number
  kind: LabelSetKind
  name: string
  /** The detection run that produced a `predictions` set; null otherwise. */
  runId: number | null
  createdAt: string
}

export interface DetectionRunRecord {
  id: number
  datasetId: number
  modelId: string
  modelSha256: string
  /** Everything that changes the output: mode, thresholds, sizes. */
  params: Record<string, unknown>
  startedAt: string
  finishedAt: string | null
}

export interface StoredFace extends FaceLabel {
  id: number
  imageId: number
  labelSetId: number
  source: FaceSource
  /** The detection run whose output this face is or was copied from. */
  runId: number | null
  /** For a face in the annotation set that began as a proposal: the prediction it came from. */
  originFaceId: number | null
  createdAt: string
  updatedAt: string
}
