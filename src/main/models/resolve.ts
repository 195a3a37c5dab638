import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { logger } from '../log'
import { DownloadError, downloadModel } from './download'
import type { ModelManifest } from './manifest'
import { cachedSha256 } from './verify'

const log = logger('models')

/** Raised when no verified copy of a model can be found; the message says what to do. */
export class ModelUnavailableError extends Error {
  readonly code = 'model'

  constructor(
    message: string,
    readonly modelId: string,
  ) {
    super(message)
    this.name = 'ModelUnavailableError'
  }
}

export interface ResolveOptions {
  /** Folder searched first; defaults to env FACE_MODELS_DIR. */
  modelsDir?: string
  /** The app's own model folder, searched second and the download target. */
  dataDir?: string
  /** Download from the manifest URL into dataDir when no verified copy is found. */
  allowDownload?: boolean
  onProgress?: (receivedBytes: number, totalBytes: number) => void
}

/** The app data model folder: FACEMARK_DATA_DIR/models, else ~/.facemark/models. */
export function defaultModelDataDir(): string {
  const base = process.env.FACEMARK_DATA_DIR ?? join(homedir(), '.facemark')
  return join(base, 'models')
}

/**
 * Absolute path of a verified copy of the model file. Looks in `modelsDir` (or
 * FACE_MODELS_DIR), then in `dataDir`, then downloads into `dataDir` when allowed. The sha256
 * is always checked, so a copy that differs from the manifest is never used.
 *
 * @throws ModelUnavailableError listing every place looked at and how to fix it.
 */
export async function resolveModelFile(
  manifest: ModelManifest,
  options: ResolveOptions = {},
): Promise<string> {
  const modelsDir = options.modelsDir ?? process.env.FACE_MODELS_DIR
  const dataDir = options.dataDir ?? defaultModelDataDir()
  const problems: string[] = []

  for (const dir of [modelsDir, dataDir]) {
    if (!dir) continue
    const candidate = resolve(dir, manifest.file)
    const problem = await checkCandidate(candidate, manifest)
    if (!problem) return candidate
    problems.push(problem)
  }

  if (options.allowDownload && manifest.source.url) {
    return downloadInto(manifest, dataDir, options, problems)
  }

  throw new ModelUnavailableError(explain(manifest, problems), manifest.id)
}

/** Null when the file exists and matches the manifest hash, else why it cannot be used. */
async function checkCandidate(path: string, manifest: ModelManifest): Promise<string | null> {
  if (!existsSync(path)) return `${path}: not found`

  const actual = await cachedSha256(path)
  if (actual === manifest.sha256) return null

  log.warn(`model file ${path} has sha256 ${actual}, expected ${manifest.sha256}`)
  return `${path}: wrong sha256 (expected ${manifest.sha256}, actual ${actual}); replace the file`
}

async function downloadInto(
  manifest: ModelManifest,
  dataDir: string,
  options: ResolveOptions,
  problems: string[],
): Promise<string> {
  try {
    return await downloadModel(manifest, dataDir, { onProgress: options.onProgress })
  } catch (error) {
    // A DownloadError names the URL itself; other failures (a wrong sha256) do not.
    problems.push(
      error instanceof DownloadError
        ? error.message
        : `download from ${manifest.source.url} failed: ${(error as Error).message}`,
    )
    throw new ModelUnavailableError(explain(manifest, problems), manifest.id)
  }
}

function explain(manifest: ModelManifest, problems: string[]): string {
  const fix = manifest.source.url
    ? `run \`facemark models install ${manifest.id}\`, or set FACE_MODELS_DIR to a folder ` +
      `holding ${manifest.file}`
    : manifest.source.derivedFrom
      ? `run \`facemark models install ${manifest.id}\` (it has no download URL: it is ` +
        `derived from ${manifest.source.derivedFrom.id}, which that downloads), or set ` +
        `FACE_MODELS_DIR to a folder holding ${manifest.file}`
      : `set FACE_MODELS_DIR to a folder holding ${manifest.file} (it has no download URL)`

  return (
    `Model ${manifest.id} (${manifest.file}, sha256 ${manifest.sha256}) is not available. ` +
    `To fix: ${fix}. Looked at: ${problems.length ? problems.join('; ') : 'no folder configured'}.`
  )
}
