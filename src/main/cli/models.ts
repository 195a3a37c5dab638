import { SingleBar } from 'cli-progress'
import { Command, Option } from 'commander'
import { listModelStatus, type ModelStatus } from '../models/catalog'
import { installModel } from '../models/install'
import { removeModel, selectModel } from '../models/manage'
import { defaultModelDataDir } from '../models/resolve'
import { addUserModel } from '../models/user-model'

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
    .option('--url <url>', 'download from this URL instead of the manifest (a mirror)')
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
    .requiredOption('--mean <b,g,r>', 'per-channel mean in the model channel order', parseNumbers)
    .addOption(
      new Option('--family <family>', 'output layout (default: read from the outputs)').choices([
        'retinaface',
        'scrfd',
      ]),
    )
    .addOption(new Option('--channel-order <order>', 'input channels').choices(['BGR', 'RGB']))
    .option('--scale <x>', 'multiplier after the mean (SCRFD: 0.0078125)', Number.parseFloat)
    .option(
      '--min-sizes <list>',
      'RetinaFace prior sizes per step, e.g. 16,32/64,128/256,512',
      parseSizes,
    )
    .option('--steps <list>', 'RetinaFace prior steps, e.g. 8,16,32', parseNumbers)
    .option('--variance <a,b>', 'RetinaFace variances (default 0.1,0.2)', parseNumbers)
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
    .description('delete a downloaded, derived or added model from the data folder')
    .argument('<id>')
    .action(async (id: string) => {
      await removeModel(id)
      console.log(`removed ${id} from ${defaultModelDataDir()}`)
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

/** "1,2,3" -> [1, 2, 3] for commander. */
export function parseNumbers(value: string): number[] {
  const numbers = value.split(',').map(Number)
  if (numbers.some((n) => !Number.isFinite(n))) throw new Error(`expected numbers, got "${value}"`)
  return numbers
}

/** "16,32/64,128/256,512" -> [[16, 32], [64, 128], [256, 512]]: one group per prior step. */
export function parseSizes(value: string): number[][] {
  return value.split('/').map(parseNumbers)
}
