import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256')

const inputSize = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fixed'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  // A dynamic model takes any size; inputs are padded to a multiple of `stride` so that every
  // feature map divides evenly and the priors line up with the network's cells.
  z.object({ kind: z.literal('dynamic'), stride: z.number().int().positive() }),
])

const source = z.object({
  /** Where `facemark models install` downloads from; null when no published copy exists. */
  url: z.url().nullable(),
  repository: z.string().optional(),
  commit: z.string().optional(),
  path: z.string().optional(),
  derivedFrom: z
    .object({ id: z.string(), edit: z.string(), tool: z.string().optional() })
    .optional(),
  license: z.string(),
  note: z.string().optional(),
})

const baseFields = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string(),
  file: z.string().regex(/^[^/\\]+\.onnx$/, 'a bare .onnx file name'),
  sha256: sha256Hex,
  bytes: z.number().int().positive(),
  source,
  input: z.object({
    name: z.string(),
    layout: z.literal('NCHW'),
    size: inputSize,
    channelOrder: z.enum(['BGR', 'RGB']),
    /** Per-channel mean subtracted before `scale`, listed in the model's channel order. */
    mean: z.tuple([z.number(), z.number(), z.number()]),
    scale: z.number().positive(),
  }),
  postprocess: z.object({
    scoreThreshold: z.number().min(0).max(1),
    nmsIou: z.number().gt(0).max(1),
    topK: z.number().int().positive(),
    keep: z.number().int().positive(),
  }),
}

/** The schema every file in models/ must satisfy: a RetinaFace model with prior boxes. */
export const modelManifestSchema = z.object({
  ...baseFields,
  family: z.literal('retinaface'),
  priors: z.object({
    minSizes: z.array(z.array(z.number().positive()).min(1)),
    steps: z.array(z.number().int().positive()),
    variance: z.tuple([z.number(), z.number()]),
    clip: z.boolean(),
  }),
  outputs: z.object({
    loc: z.string(),
    conf: z.string(),
    landmarks: z.string(),
    faceColumn: z.number().int().nonnegative(),
    confIsSoftmaxed: z.boolean(),
  }),
})

/**
 * An SCRFD-style model: anchor-free, one score / box-distance / keypoint output per stride,
 * `perCell` anchor points per feature-map cell. Only users bring these (no file is published
 * at a stable URL), so they live in the data folder's registry, never in models/.
 */
export const scrfdManifestSchema = z.object({
  ...baseFields,
  family: z.literal('scrfd'),
  anchors: z.object({
    strides: z.array(z.number().int().positive()).min(1),
    perCell: z.number().int().positive(),
  }),
  /** Output names, one per stride in `anchors.strides` order. */
  outputs: z.object({
    scores: z.array(z.string()),
    boxes: z.array(z.string()),
    keypoints: z.array(z.string()),
  }),
})

/** Any model the detector can run, told apart by `family`. */
export const detectorManifestSchema = z.discriminatedUnion('family', [
  modelManifestSchema,
  scrfdManifestSchema,
])

export type ModelManifest = z.infer<typeof modelManifestSchema>
export type ScrfdManifest = z.infer<typeof scrfdManifestSchema>
export type DetectorManifest = z.infer<typeof detectorManifestSchema>
export type PriorConfig = ModelManifest['priors']

/**
 * The repository (or installed app) root: the first folder above this module that holds both
 * `package.json` and `models/`. Walking up works from `src/main/models/*.ts` under tsx and
 * vitest as well as from the bundled `out/main/*.js`, whose depth differs.
 */
export function findAppRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from)
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error(`No folder holding package.json and models/ was found above ${from}`)
    }
    dir = parent
  }
}

/** Folder of the JSON manifests. */
export function manifestsDir(): string {
  return join(findAppRoot(), 'models')
}

/**
 * Read and validate every `models/*.json`. A malformed manifest is a packaging bug, so it
 * throws with the file name and zod's description of what is wrong.
 */
export function loadManifests(dir: string = manifestsDir()): ModelManifest[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()

  return files.map((name) => {
    const raw: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'))
    const parsed = modelManifestSchema.safeParse(raw)
    if (!parsed.success) {
      throw new Error(`Invalid model manifest ${name}: ${z.prettifyError(parsed.error)}`)
    }
    return parsed.data
  })
}

let cache: Map<string, ModelManifest> | undefined

/** The manifest with this id, read once per process. */
export function getManifest(id: string): ModelManifest {
  cache ??= new Map(loadManifests().map((manifest) => [manifest.id, manifest]))
  const manifest = cache.get(id)
  if (!manifest) {
    throw new Error(`Unknown model "${id}"; known models: ${[...cache.keys()].join(', ')}`)
  }
  return manifest
}
