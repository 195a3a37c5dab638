import type { FaceLabel } from '../../shared/face'
import type { ProtocolImage, ScoredBox } from './wider-protocol'
import { WIDER_SETTINGS, type WiderMatImage } from './wider-mat'

/** The setting used when only a bbx_gt.txt is at hand: every valid face counts. */
export const ALL_SETTING = 'all'

/** Predictions per image, keyed `event/name` (no extension), as read from a folder. */
export type PredictionsByKey = ReadonlyMap<string, { faces: readonly ScoredBox[] }>

/**
 * Protocol inputs from the official .mat ground truth: the easy/medium/hard `gt_list`s decide
 * what counts. An image without a prediction file is evaluated as having no detections.
 */
export function imagesFromMat(
  gt: readonly WiderMatImage[],
  predictions: PredictionsByKey,
): ProtocolImage[] {
  return gt.map((image) => {
    const key = `${image.event}/${image.name}`
    const counted: Record<string, number[]> = {}
    for (const setting of WIDER_SETTINGS) {
      if (image.counted[setting]) counted[setting] = image.counted[setting]
    }
    return { key, gt: image.boxes, counted, predictions: predictions.get(key)?.faces ?? [] }
  })
}

/**
 * Protocol inputs from a bbx_gt.txt (no difficulty subsets): one setting, `all`, in which
 * faces flagged invalid are ignored like faces outside a gt_list.
 */
export function imagesFromFaces(
  gt: readonly { path: string; faces: readonly FaceLabel[] }[],
  predictions: PredictionsByKey,
): ProtocolImage[] {
  return gt.map(({ path, faces }) => {
    const key = path.replace(/\.[^./]*$/, '')
    const valid: number[] = []
    faces.forEach((face, i) => {
      if (!face.attributes.invalid) valid.push(i)
    })
    return {
      key,
      gt: faces.map((f) => f.box),
      counted: { [ALL_SETTING]: valid },
      predictions: predictions.get(key)?.faces ?? [],
    }
  })
}
