import { join } from 'node:path'
import type { DetectedFace } from '../../shared/face'
import type { DetectMode, DetectOptions } from '../detect/detector'
import { DetectorPool } from '../detect/pool'
import { getManifest } from '../models/manifest'
import { defaultModelDataDir, resolveModelFile } from '../models/resolve'
import { openDatabase, type Db } from '../store/database'

export interface AppContextOptions {
  dbFile: string
  /** Where model files are looked up first; FACE_MODELS_DIR when unset. */
  modelsDir?: string
  /** The app's data folder; downloaded models live in its models/ (~/.facemark by default). */
  dataDir?: string
  /** Detection worker threads; one per core by default. */
  workers?: number
}

/** The detector as the jobs see it: which model a configuration uses, and the work itself. */
export interface DetectorService {
  concurrency: number
  /** Fill in the defaults, so a run's recorded parameters say exactly what ran. */
  options(partial?: Partial<DetectOptions>): Required<Pick<DetectOptions, 'mode'>> & DetectOptions
  model(mode: DetectMode): Promise<{ id: string; sha256: string }>
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

/** The fixed 640 export serves letterbox; the dynamic derivative serves the other modes. */
export function modelIdForMode(mode: DetectMode): string {
  return mode === 'letterbox' ? 'retinaface-mnet025' : 'retinaface-mnet025-dynamic'
}

export function createAppContext(options: AppContextOptions): AppContext {
  const db = openDatabase(options.dbFile)
  const modelsDir = options.modelsDir ?? process.env.FACE_MODELS_DIR
  const dataDir = options.dataDir ? join(options.dataDir, 'models') : defaultModelDataDir()
  let pool: DetectorPool | null = null

  const service = (): DetectorService => {
    pool ??= new DetectorPool({ workers: options.workers, modelsDir, dataDir: dataDir })
    const active = pool
    return {
      concurrency: active.size,
      options: (partial = {}) => ({ ...DEFAULT_DETECT, ...partial }),
      model: async (mode) => {
        const manifest = getManifest(modelIdForMode(mode))
        await resolveModelFile(manifest, { modelsDir, dataDir: dataDir })
        return { id: manifest.id, sha256: manifest.sha256 }
      },
      detectFile: async (path, detectOptions) => {
        const { image, result } = await active.detectFile(path, detectOptions)
        return { info: image, faces: result.faces }
      },
    }
  }

  return {
    db,
    detector: service,
    close: async () => {
      await pool?.close()
      db.close()
    },
  }
}
