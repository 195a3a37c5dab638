import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DetectMode } from '../../src/main/detect/detector'
import { annotateFolder } from '../../src/main/jobs/annotate-folder'
import { createAppContext, type AppContext } from '../../src/main/jobs/context'
import { evaluateLabels } from '../../src/main/jobs/evaluate-labels'
import { modelsDir, sampleDir } from '../support/shared'

/**
 * AP on the 23 val photos of the shared sample under the official protocol, against figures
 * an independent reference implementation measured on the same images.
 */
const REFERENCE: Partial<Record<DetectMode, { easy: number; medium: number; hard: number }>> = {
  letterbox: { easy: 0.955, medium: 0.908, hard: 0.664 },
  native: { easy: 0.97, medium: 0.942, hard: 0.813 },
}

let dir: string
let ctx: AppContext
const ap: Partial<Record<DetectMode, Record<string, number>>> = {}

async function measure(mode: DetectMode): Promise<Record<string, number>> {
  const summary = await annotateFolder(ctx, join(sampleDir, 'val'), { detect: { mode } })
  const report = evaluateLabels(ctx.db, {
    datasetId: summary.datasetId,
    gt: join(sampleDir, 'ground_truth'),
    labelSetId: undefined,
  })
  expect(report.images).toBe(23)
  return Object.fromEntries(report.ap.map((s) => [s.setting, s.ap]))
}

describe('when the val sample is pre-annotated and scored with the official protocol', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'facemark-accuracy-'))
    ctx = createAppContext({ dbFile: join(dir, 'labels.sqlite'), modelsDir, dataDir: dir })
    for (const mode of ['letterbox', 'native', 'multiscale'] as const)
      ap[mode] = await measure(mode)
  }, 240_000)

  afterAll(async () => {
    await ctx?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const mode of ['letterbox', 'native'] as const) {
    it(`matches the reference AP within 0.01 in ${mode} mode`, () => {
      for (const [setting, expected] of Object.entries(REFERENCE[mode]!)) {
        expect(Math.abs(ap[mode]![setting] - expected), `${mode} ${setting}`).toBeLessThan(0.01)
      }
    })
  }

  it('raises hard AP with the multi-scale mode without losing easy AP', () => {
    expect(ap.multiscale!.hard).toBeGreaterThan(ap.native!.hard + 0.01)
    expect(ap.multiscale!.easy).toBeGreaterThanOrEqual(ap.native!.easy - 0.005)
  })
})
