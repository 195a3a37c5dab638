import type { InferenceSession } from 'onnxruntime-node'
import type { DetectorManifest, ModelManifest } from '../models/manifest'
import { decodeDetections, type Candidates } from './decode'
import { mapBack, suppress, type FaceSet } from './faceset'
import { prepareInput, type InputPlan } from './preprocess'
import { buildPriors } from './priors'
import { decodeScrfd } from './scrfd'
import { runScrfdHeads } from './scrfd-heads'
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
  manifest: DetectorManifest,
  image: { rgb: Buffer; width: number; height: number },
  plan: InputPlan,
  settings: PassSettings,
  timings: Timings,
  offset: { x: number; y: number } = { x: 0, y: 0 },
): Promise<FaceSet> {
  let t = performance.now()
  const { mean, scale, channelOrder } = manifest.input
  const tensor = await prepareInput(
    image.rgb,
    image.width,
    image.height,
    plan,
    mean,
    scale,
    channelOrder,
  )
  timings.preprocessMs += performance.now() - t

  const candidates = await forward(session, manifest, tensor, plan, settings, timings)

  t = performance.now()
  const kept = suppress(candidates, settings.nmsIou, settings.keep)
  const faces = mapBack(kept, plan.scale, offset.x, offset.y)
  timings.postprocessMs += performance.now() - t
  return faces
}

/** Inference and decode of one tensor, by model family; the two stages are timed apart. */
async function forward(
  session: InferenceSession,
  manifest: DetectorManifest,
  tensor: Float32Array,
  plan: InputPlan,
  settings: PassSettings,
  timings: Timings,
): Promise<Candidates> {
  const { tensorWidth: w, tensorHeight: h } = plan
  let t = performance.now()

  if (manifest.family === 'scrfd') {
    const levels = await runScrfdHeads(session, manifest, tensor, w, h)
    timings.inferenceMs += performance.now() - t
    t = performance.now()
    const { scoreThreshold, topK } = settings
    const candidates = decodeScrfd(levels, w, h, { scoreThreshold, topK, ...manifest.anchors })
    timings.postprocessMs += performance.now() - t
    return candidates
  }

  const heads = await runHeads(session, manifest, tensor, w, h)
  timings.inferenceMs += performance.now() - t
  t = performance.now()
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
  timings.postprocessMs += performance.now() - t
  return candidates
}
