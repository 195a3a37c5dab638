import { SingleBar } from 'cli-progress'
import { Command, InvalidArgumentError, Option } from 'commander'
import { listModelStatus, type ModelStatus } from '../models/catalog'
import { installModel } from '../models/install'
import { removeModel, selectModel } from '../models/manage'
import { addUserModel } from '../models/user-model'
import { numberListOption, numberOption } from './common'

/** Mean, prior sizes, steps and variances as the manifest schema takes them. */
const toMean = numberListOption({}, 3)
const toPositiveList = numberListOption({ min: 0, aboveMin: true })
const toSteps = numberListOption({ min: 1, integer: true })
const toVariance = numberListOption({ min: 0, aboveMin: true }, 2)
const toScale = numberOption({ min: 0, aboveMin: true })

/** `facemark models ...`: list, install (download + derive), add, use and remove models. */
export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('list, install, add, choose and remove detector models')

  models
    .command('list', { isDefault: true })
    .description('every known model with its state (missing, verified, derived, corrupt)')
    .option('--json', 'print the states as JSON')
    .action(async (opts) => {
      const rows = await listModelStatus()
      if (opts.json) return console.log(JSON.stringify(rows, null, 2))
      for (const row of rows) console.log(describe(row))
    })

  models
    .command('install')
    .description('download a published model (resuming) or derive one; checks every sha256')
    .argument('<id>', 'model id, e.g. retinaface-mnet025-dynamic')
    .option('--check-image <file>', 'a photo with faces for the check after deriving')
    .option('--url <url>', 'download from this URL instead of the manifest (a mirror)', toUrl)
    .action(async (id: string, opts) => {
      const bar = new SingleBar({ format: '{stage} {bar} {percentage}% | {value}/{total} bytes' })
      let started = false
      const located = await installModel(id, {
        checkImage: opts.checkImage,
        urls: opts.url ? { [id]: opts.url, 'retinaface-mnet025': opts.url } : undefined,
        onStage: (stage, model) => {
          if (started) bar.stop()
          started = false
          if (stage === 'deriving')
            console.log(`deriving ${model} and checking it against its parent`)
        },
        onProgress: (received, total) => {
          if (!process.stderr.isTTY) return
          if (!started) bar.start(total, received, { stage: 'download' })
          started = true
          bar.update(received)
        },
      })
      if (started) bar.stop()
      console.log(`${located.manifest.id}: ${located.origin}, sha256 ${located.sha256}`)
      console.log(`  ${located.path}`)
    })

  models
    .command('add')
    .description('register your own RetinaFace- or SCRFD-layout ONNX model after checking it')
    .argument('<file>', 'the .onnx file')
    .requiredOption('--id <id>', 'a short id (lowercase letters, digits, dashes)')
    .requiredOption('--sample <image>', 'a photo with at least one clear face to validate on')
    .requiredOption('--mean <b,g,r>', 'per-channel mean in the model channel order', toMean)
    .addOption(
      new Option('--family <family>', 'output layout (default: read from the outputs)').choices([
        'retinaface',
        'scrfd',
      ]),
    )
    .addOption(new Option('--channel-order <order>', 'input channels').choices(['BGR', 'RGB']))
    .option('--scale <x>', 'multiplier after the mean, > 0 (SCRFD: 0.0078125)', toScale)
    .option(
      '--min-sizes <list>',
      'RetinaFace prior sizes per step, e.g. 16,32/64,128/256,512',
      parseSizes,
    )
    .option('--steps <list>', 'RetinaFace prior steps, e.g. 8,16,32', toSteps)
    .option('--variance <a,b>', 'RetinaFace variances (default 0.1,0.2)', toVariance)
    .option('--name <text>', 'display name')
    .action(async (file: string, opts) => {
      const result = await addUserModel({ file, ...opts })
      console.log(
        `added ${result.manifest.id} (${result.manifest.family}, ${describeSize(result.manifest)}, ` +
          `sha256 ${result.manifest.sha256}): ${result.faces} faces >= 0.5 on the sample`,
      )
    })

  models
    .command('use')
    .description('make a model the one its input kind uses (fixed: letterbox; any size: native)')
    .argument('<id>')
    .action(async (id: string) => {
      const kind = await selectModel(id)
      console.log(`${id} now serves ${kind === 'fixed' ? 'letterbox' : 'native and multiscale'}`)
    })

  models
    .command('remove')
    .description(
      'delete a downloaded, derived or added model from the data folder; when nothing of it ' +
        'is there, says so and still exits 0 (the model is not installed either way)',
    )
    .argument('<id>')
    .action(async (id: string) => {
      const removed = await removeModel(id)
      if (removed.files.length === 0 && !removed.registryEntry) {
        console.log(`nothing to remove: ${id} is not installed in ${removed.dataDir}`)
      } else {
        const what = [...removed.files, ...(removed.registryEntry ? ['its registry record'] : [])]
        console.log(`removed ${id} from ${removed.dataDir}: ${what.join(', ')}`)
      }
      if (removed.keptIn) {
        console.log(
          `  ${removed.keptIn} is under FACE_MODELS_DIR, which facemark never deletes from`,
        )
      }
    })
}

function describeSize(manifest: ModelStatus['manifest']): string {
  const size = manifest.input.size
  return size.kind === 'fixed' ? `fixed ${size.width}x${size.height}` : 'any size'
}

function describe(row: ModelStatus): string {
  const partial = row.partialBytes
    ? ` (partial download ${Math.round((100 * row.partialBytes) / row.manifest.bytes)}%, resumes)`
    : ''
  const lines = [
    `${row.manifest.id.padEnd(30)} ${row.state.padEnd(9)} ${row.origin.padEnd(7)} ` +
      `${describeSize(row.manifest)}${partial}`,
  ]
  if (row.path) lines.push(`  ${row.path}`)
  if (row.problem) lines.push(`  corrupt: ${row.problem}, expected ${row.manifest.sha256}`)
  if (row.derived) lines.push(`  derived, own sha256 ${row.derived.sha256}`)
  return lines.join('\n')
}

/** Only what fetch can download from; anything else would fail later with a vaguer message. */
function toUrl(value: string): string {
  const protocol = URL.canParse(value) ? new URL(value).protocol : ''
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new InvalidArgumentError('Expected an http:// or https:// URL.')
  }
  return value
}

/** "16,32/64,128/256,512" -> [[16, 32], [64, 128], [256, 512]]: one group per prior step. */
export function parseSizes(value: string): number[][] {
  try {
    return value.split('/').map(toPositiveList)
  } catch {
    throw new InvalidArgumentError(
      'Expected prior sizes > 0, one comma-separated group per step, e.g. 16,32/64,128/256,512.',
    )
  }
}
