import type { InferenceSession } from 'onnxruntime-node'
import type { DetectedFace } from '../../shared/face'
import { locateModel } from '../models/catalog'
import type { DetectorManifest } from '../models/manifest'
import type { ResolveOptions } from '../models/resolve'
import {
  concatFaces,
  filterFaces,
  longSide,
  suppress,
  toDetectedFaces,
  type FaceSet,
} from './faceset'
import { decodeImage, probeImage, type DecodedImage } from './image'
import { runPass, zeroTimings, type PassSettings, type Timings } from './pass'
import { planLetterbox, planNative } from './preprocess'
import { getSession } from './session'
import { fileSource, memorySource, type RgbSource } from './sources'
import { detectTiled } from './tiled'

/**
 * - `letterbox`: the fixed 640x640 model, whole image fitted in; fastest.
 * - `native`: the dynamic model at the image's own size (shrunk to `maxLongSide`); photos
 *   larger than that get an overview pass plus native-resolution tiles.
 * - `multiscale`: native plus a 2x pass for the small faces; slowest, best on crowds.
 */
export type DetectMode = 'native' | 'letterbox' | 'multiscale'

export interface DetectOptions {
  mode?: DetectMode
  /**
   * Model id (shipped or user-added); default the shipped model for the mode. A fixed-size
   * model can only serve letterbox.
   */
  model?: string
  /** Long-side cap of a native pass and tile size for big photos (default 2048). */
  maxLongSide?: number
  /** Default 0.02, the evaluation-grade setting; raise it for pre-annotation. */
  scoreThreshold?: number
  nmsIou?: number
  keep?: number
  topK?: number
  /** Multiscale: enlargement of the second pass (default 2, capped by maxLongSide). */
  upscale?: number
  /** Multiscale: largest face (long side, image pixels) taken from the enlarged pass. */
  upscaledMaxFace?: number
  /**
   * Multiscale: factor on the enlarged pass's scores (default 0.7). Its small-face finds are
   * less reliable than native ones; discounting keeps its false positives below the confident
   * native faces, which is what keeps easy AP from dropping.
   */
  upscaledScoreFactor?: number
  /** Tile photos larger than maxLongSide in native and multiscale modes (default true). */
  tile?: boolean
}

export interface DetectResult {
  width: number
  height: number
  /** Best score first, in upright image pixels, boxes clipped to the image. */
  faces: DetectedFace[]
  timings: Timings
}

export interface DetectorOptions extends ResolveOptions {
  /** ORT intra-op threads per session (default 1: parallelism comes from worker threads). */
  intraOpNumThreads?: number
  /** Refuse images above this many pixels (default 100 MP). */
  maxPixels?: number
}

/** The shipped model each mode uses unless told otherwise. */
export const MODEL_FOR_MODE: Record<DetectMode, string> = {
  letterbox: 'retinaface-mnet025',
  native: 'retinaface-mnet025-dynamic',
  multiscale: 'retinaface-mnet025-dynamic',
}

/** Faces at most this long (image pixels) are taken from the upscaled multiscale pass. */
const UPSCALED_MAX_FACE = 40
/**
 * On the 23 WIDER val sample images (official protocol), native gave easy/medium/hard AP
 * 0.970/0.941/0.816; multiscale with factor 1 gave 0.966/0.938/0.886 and with 0.7 gave
 * 0.970/0.947/0.880.
 */
const UPSCALED_SCORE_FACTOR = 0.7
/** Native tiles of big photos: side and overlap (a 1280 tile keeps ORT's arena modest). */
const TILE_SIZE = 1280
const TILE_OVERLAP = 192

/** RetinaFace detection on decoded images or files; sessions are created lazily, once. */
export class Detector {
  private readonly models = new Map<
    string,
    Promise<{ manifest: DetectorManifest; session: InferenceSession }>
  >()

  constructor(private readonly options: DetectorOptions = {}) {}

  /** Detect faces in an upright RGB image. */
  async detect(image: DecodedImage, options: DetectOptions = {}): Promise<DetectResult> {
    const timings = zeroTimings()
    const faces = await this.run(memorySource(image), image, options, timings)
    return { width: image.width, height: image.height, faces, timings }
  }

  /**
   * Decode a file and detect faces. A photo over `maxLongSide` is never decoded whole in
   * native modes: it is read as a shrunk overview plus native bands.
   */
  async detectFile(
    path: string,
    options: DetectOptions = {},
  ): Promise<{
    image: { width: number; height: number; orientation: number }
    result: DetectResult
  }> {
    const timings = zeroTimings()
    const t = performance.now()
    const info = await probeImage(path, { maxPixels: this.options.maxPixels })
    const mode = options.mode ?? 'native'
    const maxLongSide = options.maxLongSide ?? 2048
    const big =
      mode !== 'letterbox' &&
      options.tile !== false &&
      Math.max(info.width, info.height) > maxLongSide

    let faces: DetectedFace[]
    if (big) {
      timings.decodeMs += performance.now() - t
      const source = fileSource(path, info, timings, { maxPixels: this.options.maxPixels })
      faces = await this.run(source, null, options, timings)
    } else {
      const image = await decodeImage(path, { maxPixels: this.options.maxPixels })
      timings.decodeMs += performance.now() - t
      faces = await this.run(memorySource(image), image, options, timings)
    }

    const result = { width: info.width, height: info.height, faces, timings }
    return {
      image: { width: info.width, height: info.height, orientation: info.orientation },
      result,
    }
  }

  /** Create the session for a mode ahead of the first image (optional). */
  async warmUp(mode: DetectMode = 'native'): Promise<void> {
    await this.model(mode)
  }

  private async run(
    source: RgbSource,
    image: DecodedImage | null,
    options: DetectOptions,
    timings: Timings,
  ): Promise<DetectedFace[]> {
    const mode = options.mode ?? 'native'
    const { manifest, session } = await this.model(mode, options.model)
    const settings: PassSettings = {
      scoreThreshold: options.scoreThreshold ?? manifest.postprocess.scoreThreshold,
      nmsIou: options.nmsIou ?? manifest.postprocess.nmsIou,
      topK: options.topK ?? manifest.postprocess.topK,
      keep: options.keep ?? manifest.postprocess.keep,
    }
    const maxLongSide = options.maxLongSide ?? 2048
    const stride = manifest.input.size.kind === 'dynamic' ? manifest.input.size.stride : 32
    const big = Math.max(source.width, source.height) > maxLongSide

    let faces: FaceSet
    if (mode === 'letterbox') {
      const size = manifest.input.size.kind === 'fixed' ? manifest.input.size.width : 640
      const plan = planLetterbox(source.width, source.height, size)
      faces = await runPass(
        session,
        manifest,
        image ?? (await source.overview(Infinity)),
        plan,
        settings,
        timings,
      )
    } else if (big && options.tile !== false) {
      const tileSize = Math.min(maxLongSide, TILE_SIZE)
      const tiled = { ...settings, maxLongSide, tileSize, overlap: TILE_OVERLAP, stride }
      faces = await detectTiled(session, manifest, source, tiled, timings)
    } else {
      const rgb = image ?? { ...(await source.overview(Infinity)) }
      const plan = planNative(source.width, source.height, { maxLongSide, stride })
      faces = await runPass(session, manifest, rgb, plan, settings, timings)

      const upscale = Math.min(
        options.upscale ?? 2,
        maxLongSide / Math.max(source.width, source.height),
      )
      if (mode === 'multiscale' && upscale > plan.scale * 1.25) {
        // Upscaling sharpens tiny faces but breaks large ones, so only small faces are taken.
        const upPlan = planNative(source.width, source.height, { maxLongSide, stride, upscale })
        const up = await runPass(session, manifest, rgb, upPlan, settings, timings)
        const maxFace = options.upscaledMaxFace ?? UPSCALED_MAX_FACE
        const factor = options.upscaledScoreFactor ?? UPSCALED_SCORE_FACTOR
        up.scores = up.scores.map((v) => v * factor)
        // The discount may take a score under the threshold, which then no longer qualifies.
        const small = filterFaces(
          up,
          (i) => longSide(up, i) <= maxFace && up.scores[i] >= settings.scoreThreshold,
        )
        faces = concatFaces([faces, small])
      }
    }

    const t = performance.now()
    const merged = suppress(faces, settings.nmsIou, settings.keep)
    const result = toDetectedFaces(merged, source.width, source.height)
    timings.postprocessMs += performance.now() - t
    return result
  }

  private model(
    mode: DetectMode,
    modelId?: string,
  ): Promise<{ manifest: DetectorManifest; session: InferenceSession }> {
    const id = modelId ?? MODEL_FOR_MODE[mode]
    // Keyed by whether the mode needs any input size; sessions are shared by path anyway.
    const key = `${id}\0${mode === 'letterbox' ? 'fixed' : 'any'}`
    let entry = this.models.get(key)
    if (!entry) {
      entry = (async () => {
        const { manifest, path } = await locateModel(id, this.options)
        if (mode !== 'letterbox' && manifest.input.size.kind === 'fixed') {
          throw new Error(
            `Model ${id} takes a fixed ${manifest.input.size.width}x${manifest.input.size.height} ` +
              `input, so it can only run in letterbox mode, not ${mode}`,
          )
        }
        return { manifest, session: await getSession(path, this.options.intraOpNumThreads ?? 1) }
      })()
      // A missing model must not poison the detector: the next call tries again.
      entry.catch(() => this.models.delete(key))
      this.models.set(key, entry)
    }
    return entry
  }
}
