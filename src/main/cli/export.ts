import { Command, Option } from 'commander'
import { createAppContext } from '../jobs/context'
import { pickDataset } from '../jobs/dataset-paths'
import { EXPORT_FORMATS, exportLabels, type ExportFormat } from '../jobs/export-labels'
import { dbOption, toPositiveInt } from './common'

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a label set as training or evaluation data')
    .argument('<out>', 'output file (retinaface, wider) or folder (wider-predictions)')
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
    .action(async (out: string, opts) => {
      const ctx = createAppContext({ dbFile: opts.db })
      try {
        const summary = await exportLabels(ctx.db, {
          datasetId: pickDataset(ctx.db, opts.dataset),
          format: opts.format as ExportFormat,
          out,
          labelSetId: opts.set,
        })
        const skipped = summary.unreadable
          ? `, ${summary.unreadable} unreadable images left out`
          : ''
        console.log(
          `wrote ${summary.faces} faces on ${summary.images} images from ` +
            `${summary.labelSet.kind} set "${summary.labelSet.name}" to ${summary.out}${skipped}`,
        )
      } finally {
        await ctx.close()
      }
    })
}
