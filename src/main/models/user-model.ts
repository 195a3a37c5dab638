import { copyFile, mkdir, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { z } from 'zod'
import { logger } from '../log'
import { allManifests } from './catalog'
import { detectorManifestSchema, type DetectorManifest } from './manifest'
import { updateRegistry } from './registry'
import { defaultModelDataDir } from './resolve'
import { inspectModel, UnfitModelError } from './user-inspect'
import { validateOnSample } from './user-validate'
import { sha256File } from './verify'

const log = logger('models')

/** What a user gives when adding a model; what the file declares is read from it. */
export interface AddModelRequest {
  file: string
  id: string
  /** A photo with at least one clear face; the model must find one at score >= 0.5. */
  sample: string
  mean: number[]
  name?: string
  family?: 'retinaface' | 'scrfd'
  channelOrder?: 'BGR' | 'RGB'
  scale?: number
  minSizes?: number[][]
  steps?: number[]
  variance?: number[]
}

/**
 * Check a user's ONNX file and register it: read its declared interface, build a manifest from
 * that plus what the user gave, run it on the sample photo, then copy it into the data folder
 * and record the manifest (with the copy's sha256) in the registry.
 *
 * @throws UnfitModelError with what does not fit and, for missing parameters, which to give.
 */
export async function addUserModel(
  request: AddModelRequest,
  dataDir: string = defaultModelDataDir(),
): Promise<{ manifest: DetectorManifest; faces: number }> {
  if (allManifests(dataDir).some((m) => m.manifest.id === request.id)) {
    throw new UnfitModelError(`a model with id "${request.id}" exists; pick another id`)
  }
  const inspection = await inspectModel(request.file)
  if (request.family && request.family !== inspection.family) {
    throw new UnfitModelError(
      `the outputs are in ${inspection.family} layout, not ${request.family}`,
    )
  }

  const file = { sha256: await sha256File(request.file), bytes: (await stat(request.file)).size }
  const draft = buildManifest(request, inspection, file)
  const { manifest, faces } = await validateOnSample(draft, request.file, request.sample)

  const target = join(dataDir, manifest.file)
  await mkdir(dataDir, { recursive: true })
  await copyFile(request.file, target)
  if ((await sha256File(target)) !== manifest.sha256) {
    await rm(target, { force: true })
    throw new Error(`copying ${request.file} changed its bytes; try again`)
  }
  await updateRegistry(dataDir, (registry) => {
    registry.user.push(manifest)
  })
  log.info(`added user model ${manifest.id} from ${request.file}`)
  return { manifest, faces }
}

function buildManifest(
  request: AddModelRequest,
  inspection: Awaited<ReturnType<typeof inspectModel>>,
  file: { sha256: string; bytes: number },
): DetectorManifest {
  const missing = (name: string, flag: string, example: string) =>
    new UnfitModelError(
      `${inspection.family} models need ${name}, which the file does not declare; ` +
        `give ${flag} (for example ${example})`,
    )
  const steps = request.steps ?? (inspection.family === 'scrfd' ? [8, 16, 32] : undefined)
  const stride = Math.max(...(steps ?? [32]))

  const common = {
    id: request.id,
    name: request.name ?? `${basename(request.file)} (added by you)`,
    file: `${request.id}.onnx`,
    ...file,
    source: { url: null, license: 'user-supplied', note: `added from ${request.file}` },
    input: {
      name: inspection.input.name,
      layout: 'NCHW' as const,
      size: inspection.fixedSize
        ? { kind: 'fixed' as const, ...inspection.fixedSize }
        : { kind: 'dynamic' as const, stride },
      channelOrder: request.channelOrder ?? (inspection.family === 'scrfd' ? 'RGB' : 'BGR'),
      mean: request.mean,
      scale: request.scale ?? 1,
    },
    postprocess: { scoreThreshold: 0.02, nmsIou: 0.4, topK: 5000, keep: 750 },
  }

  let draft: unknown
  if (inspection.family === 'retinaface') {
    if (!request.minSizes) throw missing('prior sizes', '--min-sizes', '16,32/64,128/256,512')
    if (!steps) throw missing('prior steps', '--steps', '8,16,32')
    draft = {
      ...common,
      family: 'retinaface',
      priors: {
        minSizes: request.minSizes,
        steps,
        variance: request.variance ?? [0.1, 0.2],
        clip: false,
      },
      outputs: { ...inspection.retinaface!, faceColumn: 1, confIsSoftmaxed: true },
    }
  } else {
    if (request.scale === undefined) throw missing('an input scale', '--scale', '0.0078125')
    // perCell is measured on the sample; 2 is the published SCRFD layout.
    draft = {
      ...common,
      family: 'scrfd',
      anchors: { strides: steps, perCell: 2 },
      outputs: inspection.scrfd,
    }
  }

  const parsed = detectorManifestSchema.safeParse(draft)
  if (!parsed.success)
    throw new UnfitModelError(`invalid parameters: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}
