import { SingleBar, Presets } from 'cli-progress'
import { Command, Option } from 'commander'

import type { ImageStatus } from '../../shared/records'
import { createAppContext } from '../jobs/context'
import { pickDataset } from '../jobs/dataset-paths'
import {
  EXPORT_FORMATS,
  exportLabels,
  type ExportFilter,
  type ExportFormat,
  type SplitOptions,
} from '../jobs/export-labels'
import { dbOption, toPositiveInt } from './common'

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a label set as training or evaluation data')
    .argument(
      '<out>',
      'output file (retinaface, wider) or folder (all other formats, or any split)',
    )
    .addOption(dbOption())
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
    .option('--split <ratios>', 'train,val,test fractions, e.g. 0.8,0.1,0.1', parseRatios)
    .addOption(
      new Option('--split-by <how>', 'random images, or whole WIDER event folders')
        .choices(['random', 'event'])
        .default('random'),
    )
    .option('--seed <n>', 'seed of the split', Number, 1)
    .option('--status <list>', 'only images in these states, e.g. done,needs_review', csv)
    .option('--min-face <px>', 'leave out faces whose shorter side is below this', Number)
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
          split,
          filter,
          onProgress: (p) => {
            if (!showBar) return
            if (p.phase === 'finished') return bar.stop()
            if (p.done === 1) bar.start(p.total, 1)
            else bar.update(p.done)
          },
        })
        const skipped = summary.unreadable
          ? `, ${summary.unreadable} unreadable images left out`
          : ''
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

function csv(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function parseRatios(value: string): SplitOptions['ratios'] {
  const [train, val, test = 0] = csv(value).map(Number)
  if (![train, val, test].every((n) => Number.isFinite(n) && n >= 0)) {
    throw new Error(`expected fractions like 0.8,0.1,0.1, got "${value}"`)
  }
  return { train, val, test }
}

function maxAttr(value: string): ExportFilter['maxAttributes'] {
  const known = ['blur', 'expression', 'illumination', 'occlusion', 'pose']
  const result: Record<string, number> = {}
  for (const pair of csv(value)) {
    const [key, level] = pair.split('=')
    if (!known.includes(key) || !/^\d$/.test(level ?? '')) {
      throw new Error(`expected attribute=level with one of ${known.join(', ')}, got "${pair}"`)
    }
    result[key] = Number(level)
  }
  return result
}
