import type { FaceLabel } from '../../shared/face'

/** A face as the exchange formats carry it: the label plus an optional person identity. */
export interface FaceRecord extends FaceLabel {
  /** Who the face shows, for recognition crops; undefined or null when not labelled. */
  identity?: string | null
}

/** One image of an annotation file, in whatever path form the format writes. */
export interface LabelledImage {
  /** As written in the file; the caller resolves it against the images folder. */
  path: string
  /** Upright size when the file states it (COCO, labelme); null otherwise. */
  width: number | null
  height: number | null
  faces: FaceRecord[]
}

/**
 * Known spellings of the five landmark names, mapped to their index in LANDMARK_NAMES
 * (image-left first). COCO and labelme files name points, and tools disagree on the order of
 * the words, so points are matched by name and never by position.
 */
const LANDMARK_ALIASES: Record<string, number> = {
  left_eye: 0,
  eye_left: 0,
  leye: 0,
  right_eye: 1,
  eye_right: 1,
  reye: 1,
  nose: 2,
  nose_tip: 2,
  left_mouth: 3,
  mouth_left: 3,
  left_mouth_corner: 3,
  mouth_corner_left: 3,
  right_mouth: 4,
  mouth_right: 4,
  right_mouth_corner: 4,
  mouth_corner_right: 4,
}

/** Index 0..4 of a landmark name, case and separator insensitive; undefined when unknown. */
export function landmarkIndex(name: string): number | undefined {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  return LANDMARK_ALIASES[key]
}

/** A number rounded to `digits` decimals without trailing zeros (`0.5`, `12`). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
