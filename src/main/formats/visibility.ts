import type { Visibility } from '../../shared/face'

/**
 * The one table of per-landmark visibility codes across formats (docs/formats.md 2.10). Every
 * reader and writer goes through it, so a format can never disagree with another about what
 * "occluded" is written as.
 *
 * YOLOv5-face has no visibility: a point is either coordinates (visible) or negative (absent);
 * an occluded point cannot be told apart from a visible one once written.
 */
export interface VisibilityCodes {
  /** RetinaFace label.txt per-point flag. */
  retinaface: -1 | 0 | 1
  /** COCO keypoint `v`. */
  coco: 0 | 1 | 2
  /** Ultralytics pose `v` (kpt_shape [5, 3]). */
  ultralytics: 0 | 1 | 2
  /** YOLOv5-face: how the point is written; `null` where the format cannot say it. */
  yolov5Face: 'negative' | 'coordinates' | null
}

export const VISIBILITY_CODES: Readonly<Record<Visibility, Readonly<VisibilityCodes>>> = {
  absent: { retinaface: -1, coco: 0, ultralytics: 0, yolov5Face: 'negative' },
  occluded: { retinaface: 1, coco: 1, ultralytics: 1, yolov5Face: null },
  visible: { retinaface: 0, coco: 2, ultralytics: 2, yolov5Face: 'coordinates' },
}

const VISIBILITIES = Object.keys(VISIBILITY_CODES) as Visibility[]

function lookup<K extends 'retinaface' | 'coco' | 'ultralytics'>(
  key: K,
  code: number,
): Visibility | undefined {
  return VISIBILITIES.find((v) => VISIBILITY_CODES[v][key] === code)
}

/** RetinaFace flag (-1 / 0.0 / 1.0) to visibility; undefined for any other value. */
export function fromRetinaFaceFlag(flag: number): Visibility | undefined {
  return lookup('retinaface', flag)
}

/** COCO `v` (0 / 1 / 2) to visibility; undefined for any other value. */
export function fromCocoV(v: number): Visibility | undefined {
  return lookup('coco', v)
}

/** Ultralytics `v` to visibility. Ultralytics treats 1 and 2 alike, we keep them apart. */
export function fromUltralyticsV(v: number): Visibility | undefined {
  return lookup('ultralytics', v)
}

/** YOLOv5-face: any negative coordinate means "missing" (train2yolo.py writes -1 / W). */
export function fromYolov5FacePoint(x: number, y: number): Visibility {
  return x < 0 || y < 0 ? 'absent' : 'visible'
}

export function toRetinaFaceFlag(v: Visibility): -1 | 0 | 1 {
  return VISIBILITY_CODES[v].retinaface
}

export function toCocoV(v: Visibility): 0 | 1 | 2 {
  return VISIBILITY_CODES[v].coco
}

export function toUltralyticsV(v: Visibility): 0 | 1 | 2 {
  return VISIBILITY_CODES[v].ultralytics
}
