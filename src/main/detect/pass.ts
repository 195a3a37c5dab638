import type { InferenceSession } from 'onnxruntime-node'
import type { ModelManifest } from '../models/manifest'
import { decodeDetections } from './decode'
import { mapBack, suppress, type FaceSet } from './faceset'
import { prepareInput, type InputPlan } from './preprocess'
import { buildPriors } from './priors'
import { runHeads } from './session'

/** Milliseconds spent per stage, summed over every pass of one detection. */
export interface Timings {
  decodeMs: number
  preprocessMs: number
  inferenceMs: number
  postprocessMs: number
}

export function zeroTimings(): Timings {
  return { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 }
}

export interface PassSettings {
  scoreThreshold: number
  nmsIou: number
  topK: number
  keep: number
}

/** Priors depend only on the tensor size, which repeats (640x640, same-size photos, tiles). */
const priorCache = new Map<string, Float32Array>()

function priorsFor(manifest: ModelManifest, width: number, height: number): Float32Array {
  const key = `${manifest.id}\0${width}x${height}`
  let priors = priorCache.get(key)
  if (!priors) {
    priors = buildPriors(manifest.priors, width, height).data
    if (priorCache.size > 64) priorCache.clear()
    priorCache.set(key, priors)
  }
  return priors
}

/**
 * One forward pass over an RGB image (or tile) laid out by `plan`: resize, tensor, model,
 * decode, NMS. Results are in the pixels of the RGB given, shifted by the offset (a tile's
 * position in the full image).
 */
export async function runPass(
  session: InferenceSession,
  manifest: ModelManifest,
  image: { rgb: Buffer; width: number; height: number },
  plan: InputPlan,
  settings: PassSettings,
  timings: Timings,
  offset: { x: number; y: number } = { x: 0, y: 0 },
): Promise<FaceSet> {
  let t = performance.now()
  const { mean, scale } = manifest.input
  const tensor = await prepareInput(image.rgb, image.width, image.height, plan, mean, scale)
  timings.preprocessMs += performance.now() - t

  t = performance.now()
  const heads = await runHeads(session, manifest, tensor, plan.tensorWidth, plan.tensorHeight)
  timings.inferenceMs += performance.now() - t

  t = performance.now()
  const { tensorWidth: w, tensorHeight: h } = plan
  const candidates = decodeDetections(
    heads.loc,
    heads.conf,
    heads.landmarks,
    priorsFor(manifest, w, h),
    w,
    h,
    {
      scoreThreshold: settings.scoreThreshold,
      topK: settings.topK,
      variance: manifest.priors.variance,
      faceColumn: manifest.outputs.faceColumn,
    },
  )
  const kept = suppress(candidates, settings.nmsIou, settings.keep)
  const faces = mapBack(kept, plan.scale, offset.x, offset.y)
  timings.postprocessMs += performance.now() - t
  return faces
}
