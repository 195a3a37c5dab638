import { join } from 'node:path'
import type { DetectedFace } from '../../shared/face'
import { MODEL_FOR_MODE, type DetectMode, type DetectOptions } from '../detect/detector'
import { DetectorPool } from '../detect/pool'
import { findManifest, locateModel } from '../models/catalog'
import type { DetectorManifest } from '../models/manifest'
import { readRegistry } from '../models/registry'
import { defaultModelDataDir } from '../models/resolve'
import { openDatabase, type Db } from '../store/database'

export interface AppContextOptions {
  dbFile: string
  /** Where model files are looked up first; FACE_MODELS_DIR when unset. */
  modelsDir?: string
  /** The app's data folder; downloaded models live in its models/ (~/.facemark by default). */
  dataDir?: string
  /** Detection worker threads; one per core by default. */
  workers?: number
  /** The SQLite addon to load (see OpenOptions); the package's own when unset. */
  sqliteBinding?: string
}

/**
 * Detection options with every default filled in, plus the processing parameters of the model
 * (mean, scale, priors or anchors, output names), so a run's recorded parameters say exactly
 * what ran, and a user model re-added with other parameters starts a new run.
 */
export type ResolvedDetectOptions = Required<Pick<DetectOptions, 'mode' | 'model'>> &
  DetectOptions & { modelParams: Record<string, unknown> }

/** The detector as the jobs see it: which model a configuration uses, and the work itself. */
export interface DetectorService {
  concurrency: number
  /** Fill in the defaults, including the model chosen for the mode in the registry. */
  options(partial?: Partial<DetectOptions>): ResolvedDetectOptions
  /** The model a mode (or an explicit id) uses, with the sha256 of the very file loaded. */
  model(mode: DetectMode, modelId?: string): Promise<{ id: string; sha256: string }>
  detectFile(
    path: string,
    options: DetectOptions,
  ): Promise<{
    info: { width: number; height: number; orientation: number }
    faces: DetectedFace[]
  }>
}

/** Everything a command or the window needs, opened once and closed once. */
export interface AppContext {
  db: Db
  /** Where model files are looked up (FACE_MODELS_DIR) and installed (the data folder). */
  modelDirs?: { modelsDir?: string; dataDir: string }
  /** The worker pool starts on first use: listing images must not wait for model loading. */
  detector(): DetectorService
  close(): Promise<void>
}

export const DEFAULT_DETECT: Required<
  Pick<DetectOptions, 'mode' | 'maxLongSide' | 'scoreThreshold'>
> = {
  mode: 'native',
  maxLongSide: 2048,
  // Evaluation-grade: the predictions set keeps low scores so AP can be computed from it;
  // only faces above the proposal threshold reach the annotators.
  scoreThreshold: 0.02,
}

/**
 * The model a mode uses: the one chosen in the data folder's registry for its input kind
 * (`facemark models use`), else the shipped default (the fixed 640 export for letterbox, the
 * dynamic derivative for the other modes).
 */
export function modelIdForMode(mode: DetectMode, dataDir: string = defaultModelDataDir()): string {
  const selected = readRegistry(dataDir).selected
  return (mode === 'letterbox' ? selected.fixed : selected.dynamic) ?? MODEL_FOR_MODE[mode]
}

/** What of a manifest decides the detections: everything but names, files and provenance. */
export function modelParams(manifest: DetectorManifest): Record<string, unknown> {
  const params: Record<string, unknown> = { ...manifest }
  for (const key of ['id', 'name', 'file', 'sha256', 'bytes', 'source']) delete params[key]
  return params
}

export function createAppContext(options: AppContextOptions): AppContext {
  const db = openDatabase(options.dbFile, { nativeBinding: options.sqliteBinding })
  const modelsDir = options.modelsDir ?? process.env.FACE_MODELS_DIR
  const dataDir = options.dataDir ? join(options.dataDir, 'models') : defaultModelDataDir()
  let pool: DetectorPool | null = null

  const service = (): DetectorService => {
    pool ??= new DetectorPool({ workers: options.workers, modelsDir, dataDir: dataDir })
    const active = pool
    return {
      concurrency: active.size,
      options: (partial = {}) => {
        const mode = partial.mode ?? DEFAULT_DETECT.mode
        const model = partial.model ?? modelIdForMode(mode, dataDir)
        const params = modelParams(findManifest(model, dataDir))
        return { ...DEFAULT_DETECT, ...partial, mode, model, modelParams: params }
      },
      model: async (mode, modelId) => {
        const located = await locateModel(modelId ?? modelIdForMode(mode, dataDir), {
          modelsDir,
          dataDir,
        })
        return { id: located.manifest.id, sha256: located.sha256 }
      },
      detectFile: async (path, detectOptions) => {
        const { image, result } = await active.detectFile(path, detectOptions)
        return { info: image, faces: result.faces }
      },
    }
  }

  return {
    db,
    modelDirs: { modelsDir, dataDir },
    detector: service,
    close: async () => {
      await pool?.close()
      db.close()
    },
  }
}
