import { Command, InvalidArgumentError } from 'commander'

import type { NmeSummary } from '../../shared/review'

import { createAppContext } from '../jobs/context'
import { pickDataset } from '../jobs/dataset-paths'
import {
  datasetOfSetRef,
  evaluateLabels,
  isSetRef,
  parseSetRef,
  type EvaluateReport,
} from '../jobs/evaluate-labels'
import {
  addExistingDbOption,
  numberOption,
  toFraction,
  toNonNegative,
  toPositiveInt,
} from './common'

/** How many of the worst images the text report lists. */
const WORST_IMAGES = 5

export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description(
      'compare two label sets (or a set and ground-truth files): ' +
        'WIDER AP, PR curve, landmark NME, error cases',
    )
    .requiredOption(
      '--gt <set|path>',
      'reference: a label set (id, "annotation", "run:<id>"), a folder of the official .mat ' +
        'files, a wider_face_*_bbx_gt.txt or a RetinaFace label.txt (imported as a ground_truth set)',
    )
    .option(
      '--pred <set>',
      'label set to score: id, "annotation" or "run:<id>" (default: the newest detection run)',
      toSetRef,
    )
    .option('--set <id>', 'same as --pred <id> (kept for scripts)', toPositiveInt)
  addExistingDbOption(command)
    .option(
      '--dataset <id>',
      'dataset id (default: the one a set id belongs to, else the newest)',
      toPositiveInt,
    )
    .option('--iou <value>', 'IoU needed for a match, above 0 and at most 1', toIou, 0.5)
    .option(
      '--min-face <px>',
      'ignore ground-truth faces whose shorter side is below this, ≥ 0',
      toNonNegative,
    )
    .option(
      '--score <value>',
      'operating point for face classes and error cases, from 0 to 1',
      toFraction,
    )
    .option('--failure <nme>', 'landmark NME above which a face fails, from 0 to 1', toFraction)
    .option('--reimport', 'import ground-truth files again even if this path was imported before')
    .option('--json', 'print every number, curve and error case as JSON on stdout')
    .action(async (opts) => {
      const pred: string | undefined =
        opts.pred ?? (opts.set !== undefined ? String(opts.set) : undefined)

      const ctx = createAppContext({ dbFile: opts.db })
      try {
        const report = evaluateLabels(ctx.db, {
          datasetId:
            opts.dataset === undefined
              ? (datasetOfSetRef(ctx.db, pred) ??
                datasetOfSetRef(ctx.db, opts.gt) ??
                pickDataset(ctx.db))
              : pickDataset(ctx.db, opts.dataset),
          gt: opts.gt,
          labelSetId: pred === undefined ? undefined : parseSetRef(pred),
          iouThreshold: opts.iou,
          options: {
            minFaceSize: opts.minFace,
            scoreThreshold: opts.score,
            failureThreshold: opts.failure,
          },
          reimport: opts.reimport,
        })
        console.log(opts.json ? JSON.stringify(toJson(report), null, 2) : describe(report))
      } finally {
        await ctx.close()
      }
    })
}

/** An IoU of 0 would pair every prediction with any ground-truth face. */
const toIou = numberOption({ min: 0, max: 1, aboveMin: true })

function toSetRef(value: string): string {
  if (!isSetRef(value)) {
    throw new InvalidArgumentError('Expected a label set id, "annotation" or "run:<id>".')
  }
  return value
}

/** The NME has a value only over faces matched with landmarks on both sides. */
function hasNme(nme: NmeSummary): boolean {
  return nme.matchedFaces > 0
}

function describe(report: EvaluateReport): string {
  const { review } = report
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`
  const lines = [
    `${report.labelSet.kind} set "${report.labelSet.name}" against ${report.gtSet.kind} ` +
      `set ${report.gtSet.id} on ${report.images} images (ground truth: ${report.gtSource}` +
      (report.gtImagesNotInDataset
        ? `, ${report.gtImagesNotInDataset} GT images not in the dataset`
        : '') +
      ')',
  ]
  for (const { setting, ap, countedFaces } of report.ap) {
    lines.push(`  AP ${setting.padEnd(6)} ${ap.toFixed(4)}  (${countedFaces} faces)`)
  }
  if (review.apRange !== null) lines.push(`  AP 0.50:0.95 ${review.apRange.toFixed(4)}`)
  if (report.nme && hasNme(report.nme)) {
    const { mean, failureRate, matchedFaces, unmatched } = report.nme
    lines.push(
      `  landmark NME ${mean.toFixed(4)}  failure rate (NME > ${review.options.failureThreshold}) ` +
        `${pct(failureRate)}  over ${matchedFaces} matched faces, ${unmatched} unmatched`,
    )
  } else if (report.nme) {
    lines.push(
      `  landmark NME not available: no matched face with landmarks (${report.nme.unmatched} ` +
        'ground-truth faces with landmarks, none matched by a prediction that has landmarks)',
    )
  } else {
    lines.push('  landmark NME not available: the ground truth has no landmarks')
  }

  const c = review.counts
  lines.push(
    `  at score ≥ ${review.options.scoreThreshold} (${review.primarySetting}): ${c.tp} found, ` +
      `${c.miss} missed, ${c.fp} false positives, ${c.duplicate} duplicates, ` +
      `${c.ignoredPredictions} on ignored faces`,
  )
  if (review.adjustedAp) {
    const adjusted = review.adjustedAp.map((a) => `${a.setting} ${a.ap.toFixed(4)}`).join(', ')
    lines.push(`  AP without ${review.verdicts.gtWrong} "ground truth wrong" cases: ${adjusted}`)
  }

  const worst = [...review.imageCounts]
    .filter((image) => image.errors > 0)
    .sort((a, b) => b.errors - a.errors)
    .slice(0, WORST_IMAGES)
  if (worst.length) lines.push('  worst images:')
  for (const w of worst) {
    lines.push(
      `    ${String(w.errors).padStart(4)}  ${w.relPath}  (${w.miss} missed, ${w.fp} FP, ` +
        `${w.duplicate} dup, ${w.landmarks} landmarks)`,
    )
  }
  return lines.join('\n')
}

/**
 * The old top-level fields (labelSet, gtSource, images, ap, curves, nme) stay where scripts
 * read them; `review` adds everything the review window shows.
 */
function toJson(report: EvaluateReport) {
  const { review } = report
  return {
    labelSet: report.labelSet,
    gtSet: report.gtSet,
    gtSource: report.gtSource,
    images: report.images,
    gtImagesNotInDataset: report.gtImagesNotInDataset,
    ap: report.ap,
    curves: review.settings.map((s) => ({
      setting: s.setting,
      thresholds: s.recall.map((_, t) => 1 - (t + 1) / s.recall.length),
      precision: s.precision,
      recall: s.recall,
    })),
    nme: nmeJson(report.nme),
    review: { ...review, nme: nmeJson(review.nme) },
  }
}

/** Null rather than 0 for the numbers an NME without any matched face does not have. */
function nmeJson(nme: NmeSummary | null) {
  if (nme === null || hasNme(nme)) return nme
  return {
    ...nme,
    mean: null,
    failureRate: null,
    perLandmark: nme.perLandmark.map(() => null),
    ced: [],
  }
}
