import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openDatabase } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { insertFace } from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { annotationSet, createLabelSet } from '../../src/main/store/label-sets'
import { GROUND_TRUTH } from '../eval/paths'
import { drawn, META } from '../store/helpers'
import { repoRoot } from '../support/shared'

const run = promisify(execFile)
const MIXED = 'val/images/14--Traffic/14_Traffic_Traffic_14_504.jpg'

let dir: string
let db: string
let predSetId: number

async function facemark(args: string[]) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/main/cli.ts'), ...args, '--db', db],
    { cwd: repoRoot },
  )
  return stdout
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-review-cli-'))
  db = join(dir, 'labels.sqlite')
  const store = openDatabase(db)
  const datasetId = ensureDataset(store, '/data/wider').id
  const imageId = upsertImage(store, datasetId, MIXED, META).id
  predSetId = createLabelSet(store, datasetId, 'predictions', 'model A').id
  // Face 1 found twice, face 0 missed; a person drew face 0 in the annotation set.
  insertFace(store, predSetId, imageId, { ...drawn(348, 110, 49, 64), score: 0.9 }, 'model')
  insertFace(store, predSetId, imageId, { ...drawn(349, 110, 49, 64), score: 0.8 }, 'model')
  insertFace(store, annotationSet(store, datasetId).id, imageId, drawn(784, 245, 33, 42), 'human')
  store.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('when eval compares label sets from the command line', () => {
  it('scores a run against .mat files, then against the imported set, with the same numbers', async () => {
    const fromFiles = JSON.parse(
      await facemark(['eval', '--gt', GROUND_TRUTH, '--pred', String(predSetId), '--json']),
    )
    const fromSet = JSON.parse(
      await facemark(['eval', '--gt', String(fromFiles.gtSet.id), '--json']),
    )

    expect(fromFiles.gtSource).toBe('mat')
    expect(fromSet.ap).toEqual(fromFiles.ap)
    // medium: the 1st prediction finds face 1, the duplicate costs precision, face 0 is missed.
    expect(fromFiles.ap.find((a: { setting: string }) => a.setting === 'medium').ap).toBeCloseTo(
      0.5,
      12,
    )
    expect(fromFiles.review.counts).toMatchObject({ tp: 1, duplicate: 1, miss: 1 })
    expect(fromFiles.review.cases.map((c: { kind: string }) => c.kind).sort()).toEqual([
      'duplicate',
      'miss',
    ])
  })

  it('scores the model against the human labels, with AP over IoU 0.50:0.95', async () => {
    const report = JSON.parse(
      await facemark(['eval', '--gt', 'annotation', '--pred', `${predSetId}`, '--json']),
    )

    expect(report.gtSet.kind).toBe('annotation')
    expect(report.review.widerSubsets).toBe(false)
    expect(report.review.apByIou).toHaveLength(10)
    expect(report.review.counts).toMatchObject({ tp: 0, fp: 2, miss: 1 })
  })

  it('prints a readable summary with the worst images', async () => {
    const text = await facemark([
      'eval',
      '--gt',
      GROUND_TRUTH,
      '--pred',
      String(predSetId),
      '--score',
      '0.85',
    ])

    expect(text).toMatch(/AP hard\s+0\.\d{4}/)
    expect(text).toContain('at score ≥ 0.85 (hard): 1 found, 1 missed, 0 false positives')
    expect(text).toContain(MIXED)
  })
})
