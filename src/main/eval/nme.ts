import type { Box, Landmark } from '../../shared/face'
import { boxIou } from '../../shared/geometry'

/**
 * Five-landmark normalised mean error as in RetinaFace §4.5: per matched face, the mean
 * point distance over the GT points that are annotated, divided by √(w·h) of the GT box.
 */

export interface NmeGtFace {
  box: Box
  /** Five points or []; faces without annotated points are not scored. */
  landmarks: readonly Landmark[]
}

export interface NmePrediction {
  box: Box
  score: number
  landmarks: readonly Landmark[]
}

export interface NmeImage {
  key: string
  gt: readonly NmeGtFace[]
  predictions: readonly NmePrediction[]
}

export interface NmeOptions {
  /** Minimum IoU to pair a prediction with a GT face; 0.5. */
  iouThreshold?: number
  /** A face fails above this NME; 0.1 as in the paper. */
  failureThreshold?: number
  /** The CED runs from 0 to this NME; 0.2. */
  cedMax?: number
  /** Number of CED intervals; 200. */
  cedSteps?: number
}

export interface NmeFace {
  key: string
  gtIndex: number
  predictionIndex: number
  nme: number
  /** Per landmark index, the normalised error, or null where the GT point is absent. */
  pointErrors: (number | null)[]
}

export interface NmeResult {
  faces: NmeFace[]
  /** GT faces with landmarks that no prediction matched (not part of the mean). */
  unmatched: number
  mean: number
  /** Share of scored faces with NME above the failure threshold. */
  failureRate: number
  /** Mean normalised error per landmark index over the faces where it is annotated. */
  perLandmark: number[]
  /** Cumulative error distribution: share of scored faces with NME ≤ each `nme`. */
  ced: { nme: number; fraction: number }[]
}

/** Match predictions to GT faces with landmarks, then measure the landmark error. */
export function evaluateNme(images: readonly NmeImage[], options: NmeOptions = {}): NmeResult {
  const iouThreshold = options.iouThreshold ?? 0.5
  const failure = options.failureThreshold ?? 0.1
  const faces: NmeFace[] = []
  let unmatched = 0

  for (const image of images) {
    const pairs = matchFaces(image, iouThreshold)
    image.gt.forEach((gt, gtIndex) => {
      if (!gt.landmarks.some((p) => p.visibility !== 'absent')) return
      const predictionIndex = pairs.get(gtIndex)
      const prediction =
        predictionIndex === undefined ? undefined : image.predictions[predictionIndex]
      const scored = prediction && faceNme(gt, prediction)
      if (!scored) {
        unmatched++
        return
      }
      faces.push({ key: image.key, gtIndex, predictionIndex: predictionIndex!, ...scored })
    })
  }

  return { faces, unmatched, ...summarise(faces, failure, options) }
}

/** Greedy by descending score: each prediction takes the best still-free GT at IoU ≥ t. */
function matchFaces(image: NmeImage, iouThreshold: number): Map<number, number> {
  const order = image.predictions.map((_, i) => i)
  order.sort((a, b) => image.predictions[b].score - image.predictions[a].score || a - b)
  const taken = new Map<number, number>()

  for (const p of order) {
    let best = -1
    let bestIou = -1
    image.gt.forEach((gt, g) => {
      if (taken.has(g)) return
      const iou = boxIou(gt.box, image.predictions[p].box)
      // Strictly better only, so the first of equal candidates wins.
      if (iou >= iouThreshold && iou > bestIou) {
        best = g
        bestIou = iou
      }
    })
    if (best >= 0) taken.set(best, p)
  }
  return taken
}

function faceNme(
  gt: NmeGtFace,
  prediction: NmePrediction,
): Pick<NmeFace, 'nme' | 'pointErrors'> | undefined {
  const norm = Math.sqrt(Math.max(0, gt.box.width) * Math.max(0, gt.box.height))
  if (!(norm > 0) || prediction.landmarks.length !== gt.landmarks.length) return undefined

  const pointErrors = gt.landmarks.map((p, k) => {
    if (p.visibility === 'absent') return null
    const q = prediction.landmarks[k]
    return Math.hypot(q.x - p.x, q.y - p.y) / norm
  })
  const used = pointErrors.filter((e): e is number => e !== null)
  return { nme: used.reduce((a, b) => a + b, 0) / used.length, pointErrors }
}

function summarise(faces: NmeFace[], failure: number, options: NmeOptions) {
  const n = faces.length
  const mean = n ? faces.reduce((a, f) => a + f.nme, 0) / n : 0
  const failureRate = n ? faces.filter((f) => f.nme > failure).length / n : 0

  const perLandmark = [0, 1, 2, 3, 4].map((k) => {
    const errors = faces.map((f) => f.pointErrors[k]).filter((e): e is number => e != null)
    return errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : 0
  })

  const max = options.cedMax ?? 0.2
  const steps = options.cedSteps ?? 200
  const sorted = Float64Array.from(faces, (f) => f.nme).sort()
  const ced: { nme: number; fraction: number }[] = []
  let below = 0
  for (let s = 0; s <= steps; s++) {
    const x = (max * s) / steps
    while (below < n && sorted[below] <= x) below++
    ced.push({ nme: x, fraction: n ? below / n : 0 })
  }
  return { mean, failureRate, perLandmark, ced }
}
