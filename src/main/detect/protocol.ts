import type { DetectOptions, DetectResult } from './detector'
import type { DetectErrorCode } from './errors'

/** Upright size and EXIF orientation of a detected file. */
export interface ImageSummary {
  width: number
  height: number
  orientation: number
}

/** Messages from the pool to a detection thread. */
export type WorkerRequest =
  { kind: 'detect'; id: number; path: string; options: DetectOptions } | { kind: 'crash' }

/** Replies from a detection thread, matched to requests by id. */
export type WorkerReply =
  | { id: number; ok: true; image: ImageSummary; result: DetectResult }
  | { id: number; ok: false; error: { code: DetectErrorCode; message: string } }
