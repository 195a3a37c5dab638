import { SingleBar, Presets } from 'cli-progress'
import { Command, Option } from 'commander'
import { annotateFolder } from '../jobs/annotate-folder'
import { createAppContext } from '../jobs/context'
import { dbOption, existingFolder, toFraction, toPositiveInt } from './common'

export function registerAnnotate(program: Command): void {
  program
    .command('annotate')
    .description('import a folder of images (recursively) and pre-annotate every new image')
    .argument('<images-dir>', 'folder of images', existingFolder)
    .addOption(dbOption())
    .addOption(
      new Option('--mode <mode>', 'detector input: native size, letterbox 640, or multi-scale')
        .choices(['native', 'letterbox', 'multiscale'])
        .default('native'),
    )
    .option(
      '--max-long-side <px>',
      'downscale larger images to this long side',
      toPositiveInt,
      2048,
    )
    .option('--threshold <score>', 'lowest score kept as a proposal, from 0 to 1', toFraction, 0.5)
    .option('--workers <n>', 'detection worker threads', toPositiveInt)
    .option('--no-progress', 'no progress bar (for logs)')
    .action(async (dir: string, opts) => {
      const ctx = createAppContext({ dbFile: opts.db, workers: opts.workers })
      const bar = new SingleBar(
        { format: 'detect {bar} {value}/{total} images | {failed} unreadable | {file}' },
        Presets.shades_classic,
      )
      const showBar = opts.progress && process.stderr.isTTY

      try {
        const summary = await annotateFolder(ctx, dir, {
          detect: { mode: opts.mode, maxLongSide: opts.maxLongSide },
          proposalThreshold: opts.threshold,
          onProgress: (p) => {
            if (!showBar || p.phase === 'scanning') return
            if (p.phase === 'finished') return bar.stop()
            if (p.done === 0) bar.start(p.total, 0, { failed: 0, file: '' })
            else bar.update(p.done, { failed: p.failed, file: p.currentPath ?? '' })
          },
        })

        console.log(
          `${summary.images} images: ${summary.detected} pre-annotated, ` +
            `${summary.skipped} already done, ${summary.failed.length} unreadable; ` +
            `${summary.faces} faces proposed (run ${summary.runId}, ${opts.db})`,
        )
        for (const { relPath, reason } of summary.failed)
          console.log(`  skipped ${relPath}: ${reason}`)
      } finally {
        await ctx.close()
      }
    })
}
