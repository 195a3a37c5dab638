import { Command } from 'commander'
import { createAppContext } from '../jobs/context'
import { pickDataset } from '../jobs/dataset-paths'
import { evaluateLabels, type EvaluateReport } from '../jobs/evaluate-labels'
import { dbOption, toPositiveInt } from './common'

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('score detections or labels with the WIDER FACE protocol and landmark NME')
    .requiredOption(
      '--gt <path>',
      'folder of the official .mat files, a wider_face_*_bbx_gt.txt, or a RetinaFace label.txt',
    )
    .addOption(dbOption())
    .option('--dataset <id>', 'dataset id (default: the newest)', toPositiveInt)
    .option('--set <id>', 'label set to score (default: the newest detection run)', toPositiveInt)
    .option('--iou <value>', 'IoU needed for a match', Number.parseFloat, 0.5)
    .option('--json', 'print every number as JSON on stdout')
    .action(async (opts) => {
      const ctx = createAppContext({ dbFile: opts.db })
      try {
        const report = evaluateLabels(ctx.db, {
          datasetId: pickDataset(ctx.db, opts.dataset),
          gt: opts.gt,
          labelSetId: opts.set,
          iouThreshold: opts.iou,
        })
        console.log(opts.json ? JSON.stringify(toJson(report), null, 2) : describe(report))
      } finally {
        await ctx.close()
      }
    })
}

function describe(report: EvaluateReport): string {
  const lines = [
    `${report.labelSet.kind} set "${report.labelSet.name}" on ${report.images} images ` +
      `(ground truth: ${report.gtSource}` +
      (report.gtImagesNotInDataset
        ? `, ${report.gtImagesNotInDataset} GT images not in the dataset`
        : '') +
      ')',
  ]
  for (const { setting, ap, countedFaces } of report.ap) {
    lines.push(`  AP ${setting.padEnd(6)} ${ap.toFixed(4)}  (${countedFaces} faces)`)
  }
  if (report.nme) {
    const { mean, failureRate, faces, unmatched } = report.nme
    lines.push(
      `  landmark NME ${mean.toFixed(4)}  failure rate (NME > 0.1) ${(failureRate * 100).toFixed(1)} %` +
        `  over ${faces.length} matched faces, ${unmatched} unmatched`,
    )
  }
  return lines.join('\n')
}

/** Typed arrays and per-face detail become plain JSON a pipeline can read. */
function toJson(report: EvaluateReport) {
  return {
    labelSet: report.labelSet,
    gtSource: report.gtSource,
    images: report.images,
    gtImagesNotInDataset: report.gtImagesNotInDataset,
    ap: report.ap,
    curves: report.protocol.settings.map((s) => ({
      setting: s.setting,
      thresholds: Array.from(s.thresholds),
      precision: Array.from(s.precision),
      recall: Array.from(s.recall),
    })),
    nme: report.nme && {
      mean: report.nme.mean,
      failureRate: report.nme.failureRate,
      perLandmark: report.nme.perLandmark,
      matchedFaces: report.nme.faces.length,
      unmatched: report.nme.unmatched,
      ced: report.nme.ced,
    },
  }
}
