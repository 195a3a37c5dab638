import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadManifests, type DetectorManifest } from './manifest'
import { readRegistry, type DerivedRecord } from './registry'
import { ModelUnavailableError, defaultModelDataDir, resolveModelFile } from './resolve'
import { cachedSha256 } from './verify'

/** Where model files are looked for: FACE_MODELS_DIR first, then the app's data folder. */
export interface ModelDirs {
  modelsDir?: string
  dataDir?: string
}

/** A model ready to load: its manifest, its verified file, and that file's own sha256. */
export interface LocatedModel {
  manifest: DetectorManifest
  path: string
  sha256: string
  origin: 'published' | 'derived' | 'user'
}

export type ModelState = 'missing' | 'verified' | 'derived' | 'corrupt'

/** One row of `facemark models list` and of the Models page. */
export interface ModelStatus {
  manifest: DetectorManifest
  origin: 'builtin' | 'user'
  state: ModelState
  path: string | null
  /** The sha256 a usable copy must have: the manifest's, or the derived file's own. */
  sha256: string
  /** Bytes of an interrupted download waiting to be resumed. */
  partialBytes: number | null
  derived: DerivedRecord | null
  /** What went wrong with the copy found, for `corrupt`. */
  problem: string | null
}

function dirsOf(dirs: ModelDirs): { modelsDir?: string; dataDir: string } {
  return {
    modelsDir: dirs.modelsDir ?? process.env.FACE_MODELS_DIR,
    dataDir: dirs.dataDir ?? defaultModelDataDir(),
  }
}

/** Shipped manifests first, then the user's, each id once (a user id never shadows one). */
export function allManifests(dataDir: string = defaultModelDataDir()): {
  manifest: DetectorManifest
  origin: 'builtin' | 'user'
}[] {
  const builtin = loadManifests().map((manifest) => ({ manifest, origin: 'builtin' as const }))
  const ids = new Set(builtin.map((m) => m.manifest.id))
  const user = readRegistry(dataDir)
    .user.filter((manifest) => !ids.has(manifest.id))
    .map((manifest) => ({ manifest, origin: 'user' as const }))
  return [...builtin, ...user]
}

/** The manifest with this id among shipped and user models. */
export function findManifest(id: string, dataDir?: string): DetectorManifest {
  const all = allManifests(dataDir)
  const found = all.find((m) => m.manifest.id === id)
  if (!found) {
    const known = all.map((m) => m.manifest.id).join(', ')
    throw new Error(`Unknown model "${id}"; known models: ${known}`)
  }
  return found.manifest
}

/**
 * The verified file of a model. A published or user model must match its manifest sha256; a
 * derived model may instead be the copy this machine derived, matching the sha256 the
 * registry recorded for it (a different serializer gives different bytes, same graph).
 *
 * @throws ModelUnavailableError saying what to do next.
 */
export async function locateModel(id: string, dirs: ModelDirs = {}): Promise<LocatedModel> {
  const { modelsDir, dataDir } = dirsOf(dirs)
  const manifest = findManifest(id, dataDir)
  const derived = readRegistry(dataDir).derived[id]
  const isUser = readRegistry(dataDir).user.some((m) => m.id === id)

  if (derived) {
    const path = join(dataDir, derived.file)
    if (existsSync(path) && (await cachedSha256(path)) === derived.sha256) {
      return { manifest, path, sha256: derived.sha256, origin: 'derived' }
    }
  }

  if (manifest.family !== 'retinaface') {
    const path = join(dataDir, manifest.file)
    if (existsSync(path) && (await cachedSha256(path)) === manifest.sha256) {
      return { manifest, path, sha256: manifest.sha256, origin: 'user' }
    }
    throw new ModelUnavailableError(
      `Model ${id} (${manifest.file}) is missing or changed in ${dataDir}; add it again with ` +
        '`facemark models add`.',
      id,
    )
  }

  const path = await resolveModelFile(manifest, { modelsDir, dataDir })
  return { manifest, path, sha256: manifest.sha256, origin: isUser ? 'user' : 'published' }
}

/** The state of every known model, for listing. Hashes are cached per file version. */
export async function listModelStatus(dirs: ModelDirs = {}): Promise<ModelStatus[]> {
  const { modelsDir, dataDir } = dirsOf(dirs)
  const registry = readRegistry(dataDir)
  const rows: ModelStatus[] = []

  for (const { manifest, origin } of allManifests(dataDir)) {
    const derived = registry.derived[manifest.id] ?? null
    const part = join(dataDir, `${manifest.file}.part`)
    const row: ModelStatus = {
      manifest,
      origin,
      state: 'missing',
      path: null,
      sha256: derived?.sha256 ?? manifest.sha256,
      partialBytes: existsSync(part) ? statSync(part).size : null,
      derived,
      problem: null,
    }

    const places = [modelsDir, dataDir].filter((d): d is string => Boolean(d))
    for (const dir of places) {
      const path = resolve(dir, manifest.file)
      if (!existsSync(path)) continue
      const actual = await cachedSha256(path)
      const isDerived = derived !== null && dir === dataDir && actual === derived.sha256
      if (actual === manifest.sha256 || isDerived) {
        Object.assign(row, { state: isDerived ? 'derived' : 'verified', path, sha256: actual })
        row.problem = null
        break
      }
      Object.assign(row, { state: 'corrupt', path, problem: `sha256 ${actual}` })
    }
    rows.push(row)
  }
  return rows
}
