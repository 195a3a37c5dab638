import { logger } from '../log'
import { locateModel, type LocatedModel, type ModelDirs } from './catalog'
import { deriveModel } from './derive'
import { DownloadError, downloadModel, type DownloadOptions } from './download'
import { getManifest, type ModelManifest } from './manifest'
import { defaultModelDataDir } from './resolve'

const log = logger('models')

export interface InstallOptions extends ModelDirs, DownloadOptions {
  /** A photo with faces for the post-derivation check (a fixed pattern otherwise). */
  checkImage?: string
  /** Test hook: download URL per model id instead of the manifest's. */
  urls?: Record<string, string>
  onStage?: (stage: 'downloading' | 'deriving' | 'done', modelId: string) => void
}

/**
 * Make a shipped model usable on this machine: a published model is downloaded (resuming a
 * partial file) and checked against its sha256; a derived model gets its parent installed
 * first and is then derived from it and checked by running both. Already usable models are
 * returned as they are, so this is safe to call again.
 */
export async function installModel(
  id: string,
  options: InstallOptions = {},
): Promise<LocatedModel> {
  const dataDir = options.dataDir ?? defaultModelDataDir()
  const dirs = { modelsDir: options.modelsDir, dataDir }
  const existing = await locateModel(id, dirs).catch(() => null)
  if (existing) return existing

  const manifest = getManifest(id)
  const parentId = manifest.source.derivedFrom?.id
  if (parentId) {
    const parent = await installModel(parentId, options)
    options.onStage?.('deriving', id)
    log.info(`deriving ${id} from ${parent.path}`)
    await deriveModel(getManifest(parentId), manifest, parent.path, dataDir, options.checkImage)
  } else {
    options.onStage?.('downloading', id)
    await downloadModel(manifest, dataDir, { ...options, url: options.urls?.[id] }).catch(
      (error: unknown) => {
        if (!(error instanceof DownloadError)) throw error
        throw new Error(`${error.message}. ${withoutNetwork(manifest, dirs, error.url)}`)
      },
    )
  }

  options.onStage?.('done', id)
  return locateModel(id, dirs)
}

/** What a user without access to the download URL can do instead. */
function withoutNetwork(
  manifest: ModelManifest,
  dirs: { modelsDir?: string; dataDir: string },
  url: string,
): string {
  const modelsDir = dirs.modelsDir ?? process.env.FACE_MODELS_DIR
  const folders = modelsDir
    ? `FACE_MODELS_DIR (${modelsDir}) or ${dirs.dataDir}`
    : `${dirs.dataDir} (or a folder you name in FACE_MODELS_DIR)`
  return (
    `To install it without this server: fetch ${url} where the network allows it and copy ` +
    `it as ${manifest.file} into ${folders}, where its sha256 is checked; or download from ` +
    `a mirror with \`facemark models install ${manifest.id} --url <mirror>\`; or register ` +
    'a RetinaFace- or SCRFD-layout ONNX file of your own with `facemark models add <file>`'
  )
}
