import { SingleBar, Presets } from 'cli-progress'
import { Command, InvalidArgumentError, Option } from 'commander'

import { IMAGE_STATUSES, type ImageStatus } from '../../shared/records'
import { createAppContext } from '../jobs/context'
import { pickDataset } from '../jobs/dataset-paths'
import {
  EXPORT_FORMATS,
  exportLabels,
  type ExportFilter,
  type ExportFormat,
  type SplitOptions,
} from '../jobs/export-labels'
import {
  addExistingDbOption,
  csv,
  listOf,
  numberOption,
  toNonNegative,
  toPositiveInt,
} from './common'

/** The seeded generator takes an unsigned 32-bit integer; anything else would be truncated. */
const toSeed = numberOption({ min: 0, max: 2 ** 32 - 1, integer: true })

/** Each WIDER attribute with the highest level it has (see WiderAttributes). */
const ATTRIBUTE_LEVELS = { blur: 2, expression: 1, illumination: 1, occlusion: 2, pose: 1 }

export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description('write a label set as training or evaluation data')
    .argument(
      '<out>',
      'output file (retinaface, wider) or folder (all other formats, or any split)',
    )
  addExistingDbOption(command)
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(EXPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .option('--dataset <id>', 'dataset id (default: the newest)', toPositiveInt)
    .option(
      '--set <id>',
      'label set id (default: the annotation set; the newest run for wider-predictions)',
      toPositiveInt,
    )
    .option('--copy-images', 'copy the images into the export instead of referencing them')
    .option('--overwrite', 'replace <out> when it exists and is not an empty folder')
    .option('--split <ratios>', 'train,val,test fractions, e.g. 0.8,0.1,0.1', parseRatios)
    .addOption(
      new Option('--split-by <how>', 'random images, or whole WIDER event folders')
        .choices(['random', 'event'])
        .default('random'),
    )
    .option('--seed <n>', 'seed of the split, a whole number ≥ 0', toSeed, 1)
    .option(
      '--status <list>',
      `only images in these states, e.g. done,needs_review (${IMAGE_STATUSES.join(', ')})`,
      listOf(IMAGE_STATUSES),
    )
    .option(
      '--min-face <px>',
      'leave out faces whose shorter side is below this, ≥ 0',
      toNonNegative,
    )
    .option('--drop-invalid', 'leave out faces flagged invalid')
    .option('--max-attr <list>', 'leave out faces above a level, e.g. blur=1,occlusion=1', maxAttr)
    .option('--no-progress', 'no progress bar (for logs)')
    .action(async (out: string, opts) => {
      const ctx = createAppContext({ dbFile: opts.db })
      const bar = new SingleBar(
        { format: 'export {bar} {value}/{total} images' },
        Presets.shades_classic,
      )
      const showBar = opts.progress && process.stderr.isTTY
      const split: SplitOptions | undefined = opts.split && {
        by: opts.splitBy,
        ratios: opts.split,
        seed: opts.seed,
      }
      const filter: ExportFilter = {
        status: opts.status as ImageStatus[] | undefined,
        minFaceSize: opts.minFace,
        dropInvalid: opts.dropInvalid,
        maxAttributes: opts.maxAttr,
      }

      try {
        const summary = await exportLabels(ctx.db, {
          datasetId: pickDataset(ctx.db, opts.dataset),
          format: opts.format as ExportFormat,
          out,
          labelSetId: opts.set,
          copyImages: opts.copyImages,
          overwrite: opts.overwrite,
          split,
          filter,
          onProgress: (p) => {
            if (!showBar) return
            if (p.phase === 'finished') return bar.stop()
            if (p.done === 1) bar.start(p.total, 1)
            else bar.update(p.done)
          },
        })
        const skipped =
          (summary.unreadable ? `, ${summary.unreadable} unreadable images left out` : '') +
          (summary.notInSet ? `, ${summary.notInSet} images the set does not label left out` : '')
        console.log(
          `wrote ${summary.faces} faces on ${summary.images} images from ` +
            `${summary.labelSet.kind} set "${summary.labelSet.name}" to ${summary.out}${skipped}`,
        )
        if (split) {
          const parts = Object.entries(summary.splits).map(([k, n]) => `${k} ${n}`)
          console.log(`  split: ${parts.join(', ')} images`)
        }
        if (summary.filteredFaces || summary.filteredImages) {
          console.log(
            `  filtered out: ${summary.filteredImages} images, ${summary.filteredFaces} faces`,
          )
        }
        if (summary.stats.crops) console.log(`  ${summary.stats.crops} aligned crops`)
        for (const note of summary.notes) console.log(`  note: ${note}`)
      } finally {
        await ctx.close()
      }
    })
}

/** "0.8,0.1,0.1" or "0.8,0.2": two or three non-negative fractions that add up to 1. */
function parseRatios(value: string): SplitOptions['ratios'] {
  const parts = csv(value)
  const numbers = parts.map((part) => Number(part))
  const valid =
    (parts.length === 2 || parts.length === 3) &&
    numbers.every((n) => Number.isFinite(n) && n >= 0) &&
    // Fractions that do not add up to 1 are more likely a typo than a wish to rescale.
    Math.abs(numbers.reduce((a, b) => a + b, 0) - 1) < 1e-3
  if (!valid) {
    throw new InvalidArgumentError(
      'Expected two or three train,val,test fractions ≥ 0 that add up to 1, e.g. 0.8,0.1,0.1.',
    )
  }
  const [train, val, test = 0] = numbers
  return { train, val, test }
}

function maxAttr(value: string): ExportFilter['maxAttributes'] {
  const known = Object.entries(ATTRIBUTE_LEVELS)
    .map(([key, top]) => `${key}=0..${top}`)
    .join(', ')
  const result: Record<string, number> = {}
  for (const pair of csv(value)) {
    const [key, level] = pair.split('=')
    const top = ATTRIBUTE_LEVELS[key as keyof typeof ATTRIBUTE_LEVELS]
    if (top === undefined || !/^\d$/.test(level ?? '') || Number(level) > top) {
      throw new InvalidArgumentError(`Expected attribute=level with ${known}; got "${pair}".`)
    }
    result[key] = Number(level)
  }
  return result
}
