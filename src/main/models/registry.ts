import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { detectorManifestSchema } from './manifest'

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

/** A file this machine produced from a published one; its own hash is what gets verified. */
const derivedRecord = z.object({
  file: z.string(),
  sha256: sha256Hex,
  bytes: z.number().int().positive(),
  /** sha256 of the parent file it was derived from. */
  fromSha256: sha256Hex,
  tool: z.string(),
  derivedAt: z.string(),
  /** What the post-derivation check measured, kept so `models list` can show it. */
  check: z.record(z.string(), z.unknown()),
})

/**
 * The data folder's record of what this machine holds beyond the shipped manifests: derived
 * files with their own sha256, models users brought, and which model each detector input
 * kind uses. Versioned so a later layout can migrate it.
 */
export const registrySchema = z.object({
  version: z.literal(1),
  derived: z.record(z.string(), derivedRecord),
  user: z.array(detectorManifestSchema),
  /** Model id per input kind: `fixed` serves letterbox, `dynamic` native and multiscale. */
  selected: z.object({ fixed: z.string().optional(), dynamic: z.string().optional() }),
})

export type Registry = z.infer<typeof registrySchema>
export type DerivedRecord = z.infer<typeof derivedRecord>

const REGISTRY_FILE = 'registry.json'

function emptyRegistry(): Registry {
  return { version: 1, derived: {}, user: [], selected: {} }
}

/**
 * The registry in `dataDir` (the models folder), or an empty one when none was written yet.
 * A damaged file throws: silently starting over would forget user models and derived hashes.
 */
export function readRegistry(dataDir: string): Registry {
  const path = join(dataDir, REGISTRY_FILE)
  if (!existsSync(path)) return emptyRegistry()

  const parsed = registrySchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) {
    throw new Error(
      `The model registry ${path} is damaged (${z.prettifyError(parsed.error)}); ` +
        'move it away and add or install the models again',
    )
  }
  return parsed.data
}

/** Apply `change` to the registry and write it atomically (temp file + rename). */
export async function updateRegistry(
  dataDir: string,
  change: (registry: Registry) => void,
): Promise<Registry> {
  await mkdir(dataDir, { recursive: true })
  const registry = readRegistry(dataDir)
  change(registry)

  const path = join(dataDir, REGISTRY_FILE)
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, `${JSON.stringify(registrySchema.parse(registry), null, 2)}\n`)
  await rename(temp, path)
  return registry
}
