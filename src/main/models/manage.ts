import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { logger } from '../log'
import { findManifest } from './catalog'
import { readRegistry, updateRegistry, type Registry } from './registry'
import { defaultModelDataDir } from './resolve'

const log = logger('models')

/**
 * Make `id` the model of its input kind: a fixed-size model serves letterbox, a model that
 * takes any size serves native and multiscale.
 *
 * @returns the input kind it now serves.
 */
export async function selectModel(
  id: string,
  dataDir: string = defaultModelDataDir(),
): Promise<'fixed' | 'dynamic'> {
  const kind = findManifest(id, dataDir).input.size.kind
  await updateRegistry(dataDir, (registry) => {
    registry.selected[kind] = id
  })
  return kind
}

/** What `removeModel` found to delete. */
export interface RemovedModel {
  dataDir: string
  /** Names of the files deleted from the data folder (the model, a partial download). */
  files: string[]
  /** Whether the registry held a derived record, a user manifest or a selection of it. */
  registryEntry: boolean
  /** A copy under FACE_MODELS_DIR, which stays; null when there is none. */
  keptIn: string | null
}

/**
 * Delete a model's files from the data folder (a partial download included) and forget what
 * the registry holds for it. Files under FACE_MODELS_DIR are never touched: they are not ours.
 * When there is nothing to delete, nothing is written either (not even an empty data folder),
 * and the result says so.
 */
export async function removeModel(
  id: string,
  dataDir: string = defaultModelDataDir(),
  modelsDir: string | undefined = process.env.FACE_MODELS_DIR,
): Promise<RemovedModel> {
  const manifest = findManifest(id, dataDir)
  const files = [manifest.file, `${manifest.file}.part`].filter((name) =>
    existsSync(join(dataDir, name)),
  )
  for (const name of files) await rm(join(dataDir, name), { force: true })

  const registryEntry = mentions(readRegistry(dataDir), id)
  if (registryEntry) {
    await updateRegistry(dataDir, (registry) => {
      delete registry.derived[id]
      registry.user = registry.user.filter((m) => m.id !== id)
      if (registry.selected.fixed === id) delete registry.selected.fixed
      if (registry.selected.dynamic === id) delete registry.selected.dynamic
    })
  }
  if (files.length > 0 || registryEntry) log.info(`removed ${id} from ${dataDir}`)

  const kept = modelsDir ? resolve(modelsDir, manifest.file) : null
  return { dataDir, files, registryEntry, keptIn: kept && existsSync(kept) ? kept : null }
}

function mentions(registry: Registry, id: string): boolean {
  return (
    id in registry.derived ||
    registry.user.some((m) => m.id === id) ||
    registry.selected.fixed === id ||
    registry.selected.dynamic === id
  )
}
