/**
 * The face record every part of the tool shares: a box, five ordered landmarks with a
 * visibility each, and the six WIDER FACE attributes.
 *
 * Coordinates are pixels in the upright image (EXIF orientation already applied), with the
 * origin at the top-left corner of the top-left pixel. Landmark order is image-left first, as
 * in RetinaFace's label.txt: point 0 is the eye with the smaller x (the subject's right eye).
 */

export const LANDMARK_NAMES = [
  'left_eye',
  'right_eye',
  'nose',
  'left_mouth',
  'right_mouth',
] as const

export type LandmarkName = (typeof LANDMARK_NAMES)[number]

/** Index pairs that trade places under a horizontal flip; the nose maps to itself. */
export const FLIP_INDEX = [1, 0, 2, 4, 3] as const

/**
 * `absent` means "not annotated" (RetinaFace flag -1, COCO v=0); `occluded` is annotated but
 * hidden (flag 1.0, v=1); `visible` is annotated and seen (flag 0.0, v=2).
 */
export type Visibility = 'visible' | 'occluded' | 'absent'

export interface Landmark {
  x: number
  y: number
  visibility: Visibility
}

/** Top-left corner plus size, the convention of WIDER FACE and COCO. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface WiderAttributes {
  /** 0 clear, 1 normal blur, 2 heavy blur */
  blur: 0 | 1 | 2
  /** 0 typical, 1 exaggerated */
  expression: 0 | 1
  /** 0 normal, 1 extreme */
  illumination: 0 | 1
  /** 0 none, 1 partial, 2 heavy */
  occlusion: 0 | 1 | 2
  /** 0 typical, 1 atypical */
  pose: 0 | 1
  /** Faces too small or ambiguous to count; evaluation ignores them. */
  invalid: boolean
}

export const DEFAULT_ATTRIBUTES: Readonly<WiderAttributes> = Object.freeze({
  blur: 0,
  expression: 0,
  illumination: 0,
  occlusion: 0,
  pose: 0,
  invalid: false,
})

/** What the detector returns for one face, before anything is stored. */
export interface DetectedFace {
  box: Box
  score: number
  /** Always five points in LANDMARK_NAMES order; a detector marks them all `visible`. */
  landmarks: Landmark[]
}

/** A face as an annotation: a detection plus everything a person can add or correct. */
export interface FaceLabel {
  box: Box
  /** Detector confidence; null for faces drawn or imported without one. */
  score: number | null
  /** Exactly five points, or an empty array when the face has no landmark annotation. */
  landmarks: Landmark[]
  attributes: WiderAttributes
  /**
   * RetinaFace label.txt keeps a per-face value after the landmarks (a quality level, not a
   * confidence). It is carried so that an import followed by an export loses nothing.
   */
  quality: number | null
}

/** A landmark that carries no position. */
export function hasPosition(point: Landmark): boolean {
  return point.visibility !== 'absent'
}
