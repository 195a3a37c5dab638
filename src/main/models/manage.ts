import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '../log'
import { findManifest } from './catalog'
import { updateRegistry } from './registry'
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

/**
 * Delete a model's files from the data folder (a partial download included) and forget what
 * the registry holds for it. Files under FACE_MODELS_DIR are never touched: they are not ours.
 */
export async function removeModel(id: string, dataDir: string = defaultModelDataDir()) {
  const manifest = findManifest(id, dataDir)
  await rm(join(dataDir, manifest.file), { force: true })
  await rm(join(dataDir, `${manifest.file}.part`), { force: true })
  await updateRegistry(dataDir, (registry) => {
    delete registry.derived[id]
    registry.user = registry.user.filter((m) => m.id !== id)
    if (registry.selected.fixed === id) delete registry.selected.fixed
    if (registry.selected.dynamic === id) delete registry.selected.dynamic
  })
  log.info(`removed ${id} from ${dataDir}`)
}
