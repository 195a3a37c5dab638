import type { DetectedFace } from '../../shared/face'
import { clipBox } from '../../shared/geometry'
import { nms } from './nms'

/**
 * Detections as parallel flat arrays in original image pixels: boxes as x1, y1, x2, y2 and
 * five (x, y) landmark pairs per face. Passes, tiles and scales merge in this form.
 */
export interface FaceSet {
  count: number
  boxes: Float32Array
  scores: Float32Array
  landmarks: Float32Array
}

export function emptyFaceSet(): FaceSet {
  return {
    count: 0,
    boxes: new Float32Array(0),
    scores: new Float32Array(0),
    landmarks: new Float32Array(0),
  }
}

/** The faces at `indices`, in that order. */
export function pick(set: FaceSet, indices: readonly number[]): FaceSet {
  const out: FaceSet = {
    count: indices.length,
    boxes: new Float32Array(indices.length * 4),
    scores: new Float32Array(indices.length),
    landmarks: new Float32Array(indices.length * 10),
  }
  indices.forEach((i, k) => {
    out.boxes.set(set.boxes.subarray(i * 4, i * 4 + 4), k * 4)
    out.landmarks.set(set.landmarks.subarray(i * 10, i * 10 + 10), k * 10)
    out.scores[k] = set.scores[i]
  })
  return out
}

/** Faces for which `keep(index)` holds. */
export function filterFaces(set: FaceSet, keep: (i: number) => boolean): FaceSet {
  const indices: number[] = []
  for (let i = 0; i < set.count; i++) if (keep(i)) indices.push(i)
  return pick(set, indices)
}

/** Concatenate sets (e.g. passes at several scales). */
export function concatFaces(sets: readonly FaceSet[]): FaceSet {
  const count = sets.reduce((n, s) => n + s.count, 0)
  const out: FaceSet = {
    count,
    boxes: new Float32Array(count * 4),
    scores: new Float32Array(count),
    landmarks: new Float32Array(count * 10),
  }
  let k = 0
  for (const s of sets) {
    out.boxes.set(s.boxes, k * 4)
    out.landmarks.set(s.landmarks, k * 10)
    out.scores.set(s.scores, k)
    k += s.count
  }
  return out
}

/** Map from network pixels to image pixels: divide by scale after removing the offset. */
export function mapBack(set: FaceSet, scale: number, offsetX = 0, offsetY = 0): FaceSet {
  const boxes = set.boxes.map((v, i) => v / scale + (i % 2 === 0 ? offsetX : offsetY))
  const landmarks = set.landmarks.map((v, i) => v / scale + (i % 2 === 0 ? offsetX : offsetY))
  return { count: set.count, boxes, scores: set.scores.slice(), landmarks }
}

/** NMS, then the best `keep`. */
export function suppress(set: FaceSet, iou: number, keep: number): FaceSet {
  return pick(set, nms(set.boxes, set.scores, iou, keep))
}

/** Longest side of face i in pixels. */
export function longSide(set: FaceSet, i: number): number {
  return Math.max(
    set.boxes[i * 4 + 2] - set.boxes[i * 4],
    set.boxes[i * 4 + 3] - set.boxes[i * 4 + 1],
  )
}

/**
 * The shared face records, sorted by score (best first), boxes clipped to the image. Faces
 * whose clipped box is empty are dropped. Landmarks are left unclipped: a point just outside
 * the frame is still the detector's best estimate.
 */
export function toDetectedFaces(set: FaceSet, width: number, height: number): DetectedFace[] {
  const faces: DetectedFace[] = []
  for (let i = 0; i < set.count; i++) {
    const [x1, y1, x2, y2] = set.boxes.subarray(i * 4, i * 4 + 4)
    const box = clipBox({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, width, height)
    if (box.width <= 0 || box.height <= 0) continue

    const landmarks = Array.from({ length: 5 }, (_, k) => ({
      x: set.landmarks[i * 10 + 2 * k],
      y: set.landmarks[i * 10 + 2 * k + 1],
      visibility: 'visible' as const,
    }))
    faces.push({ box, score: set.scores[i], landmarks })
  }
  return faces.sort((a, b) => b.score - a.score)
}
