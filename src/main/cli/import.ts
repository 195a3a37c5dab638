import { Command, Option } from 'commander'

import { createAppContext } from '../jobs/context'
import { IMPORT_FORMATS, importLabels, type ImportFormat } from '../jobs/import-labels'
import { dbOption, existingPath } from './common'

/** How many missing images and problems are listed by name before "and N more". */
const LIST_LIMIT = 10

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a label file or folder as a new ground-truth label set')
    .argument(
      '<path>',
      'label file (wider, retinaface, coco) or folder (yolo-*, labelme, wider-mat: the official .mat files)',
      existingPath,
    )
    .addOption(dbOption())
    .addOption(
      new Option('--format <format>', 'input format').choices(IMPORT_FORMATS).makeOptionMandatory(),
    )
    .option('--images <dir>', 'folder the image paths are relative to (default: per format)')
    .option('--name <name>', 'name of the new label set')
    .action(async (path: string, opts) => {
      const ctx = createAppContext({ dbFile: opts.db })
      try {
        const summary = await importLabels(ctx.db, {
          format: opts.format as ImportFormat,
          path,
          images: opts.images,
          name: opts.name,
        })
        console.log(
          `imported ${summary.faces} faces on ${summary.images} images as ground-truth set ` +
            `${summary.labelSet.id} "${summary.labelSet.name}" of dataset ${summary.datasetId} ` +
            `(${summary.root})`,
        )
        list(`images not on disk (registered without size)`, summary.missingImages)
        list(
          'unreadable images',
          summary.unreadableImages.map((u) => `${u.relPath}: ${u.reason}`),
        )
        list(
          'problems',
          summary.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`),
        )
      } finally {
        await ctx.close()
      }
    })
}

function list(title: string, lines: string[]): void {
  if (lines.length === 0) return
  console.log(`${lines.length} ${title}:`)
  for (const line of lines.slice(0, LIST_LIMIT)) console.log(`  ${line}`)
  if (lines.length > LIST_LIMIT) console.log(`  … and ${lines.length - LIST_LIMIT} more`)
}
