import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { imagesFromMat } from '../../src/main/eval/wider-inputs'
import { readWiderMat, type WiderMatImage } from '../../src/main/eval/wider-mat'
import { evaluateWider } from '../../src/main/eval/wider-protocol'
import { readPredictionFolder, type ScoredBox } from '../../src/main/formats/wider-predictions'
import type { Box } from '../../src/shared/face'
import { GROUND_TRUTH } from './paths'

/**
 * The official protocol on the sample's unmodified .mat ground truth, three real val images
 * and hand-made predictions covering the awkward cases:
 *
 * - NO_FACES, 0_Parade_Parade_0_275: the .mat holds one 0×0 box and counts nothing. The
 *   official code still scores the image (it has a GT row), so a detection there is an FP.
 * - IGNORED, 13_Interview_..._442: face 0 (12×20) counts in hard only; face 1 (3×3) is invalid
 *   and counts nowhere, so a hit on it is neither TP nor FP.
 * - MIXED, 14_Traffic_Traffic_14_504: face 1 counts in easy/medium/hard, face 0 in medium/hard,
 *   the 10×9 face 2 nowhere; its prediction file is unsorted and holds a duplicate of face 1.
 *
 * Scores span 0..1 exactly, so min-max normalisation keeps them. Ranked over all images:
 *   1.0 MIXED f1 · 0.9 IGNORED f1 · 0.8 MIXED f1 again (shifted 1 px, IoU 0.96) ·
 *   0.7 IGNORED f0 · 0.6 NO_FACES · 0.5 MIXED f0 · 0.0 MIXED f2
 *
 * easy (1 face): TP at 1.0, nothing else counts but the duplicate and the FP → AP 1.
 * medium (2 faces): TP (P 1, R ½), dup, FP, TP at 0.5 (P 2/4, R 1) → ½·1 + ½·½ = 0.75.
 * hard (3 faces): TP (1, ⅓), dup, TP at 0.7 (P ⅔, R ⅔), FP, TP at 0.5 (P ⅗, R 1)
 *   → ⅓·1 + ⅓·⅔ + ⅓·⅗ = 34/45. Skipping the no-face image's FP would give 5/6 instead.
 */
const NO_FACES = '0--Parade/0_Parade_Parade_0_275'
const IGNORED = '13--Interview/13_Interview_Interview_2_People_Visible_13_442'
const MIXED = '14--Traffic/14_Traffic_Traffic_14_504'
const EXPECTED = { easy: 1, medium: 0.75, hard: 34 / 45 }

const shift = (b: Box, dx: number): Box => ({ ...b, x: b.x + dx })

let gt: WiderMatImage[]
let predictions: Map<string, { faces: ScoredBox[] }>
let dir: string

beforeAll(() => {
  const keys = [NO_FACES, IGNORED, MIXED]
  gt = readWiderMat(GROUND_TRUTH).filter((i) => keys.includes(`${i.event}/${i.name}`))
  const boxes = (key: string) => gt.find((i) => `${i.event}/${i.name}` === key)!.boxes

  const [i0, i1] = boxes(IGNORED)
  const [m0, m1, m2] = boxes(MIXED)
  predictions = new Map([
    [NO_FACES, { faces: [{ box: { x: 500, y: 500, width: 20, height: 20 }, score: 0.6 }] }],
    [
      IGNORED,
      {
        faces: [
          { box: i1, score: 0.9 },
          { box: i0, score: 0.7 },
        ],
      },
    ],
    // Deliberately not sorted by score, as some detectors write them.
    [
      MIXED,
      {
        faces: [
          { box: m0, score: 0.5 },
          { box: m1, score: 1 },
          { box: shift(m1, 1), score: 0.8 },
          { box: m2, score: 0 },
        ],
      },
    ],
  ])

  // The same predictions as a WIDER prediction folder, rows in the order above.
  dir = mkdtempSync(join(tmpdir(), 'facemark-mat-'))
  for (const [key, { faces }] of predictions) {
    const [event, name] = key.split('/')
    mkdirSync(join(dir, event), { recursive: true })
    const rows = faces.map(({ box: b, score }) => `${b.x} ${b.y} ${b.width} ${b.height} ${score}`)
    writeFileSync(join(dir, event, `${name}.txt`), [name, faces.length, ...rows].join('\n') + '\n')
  }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('when the sample .mat ground truth meets known predictions', () => {
  it('reads the three images with their counted faces', () => {
    expect(gt).toHaveLength(3)
    const noFaces = gt.find((i) => i.name.endsWith('_275'))!
    expect(noFaces.boxes).toEqual([{ x: 0, y: 0, width: 0, height: 0 }])
    expect(noFaces.counted).toEqual({ easy: [], medium: [], hard: [] })
  })

  it('gives the hand-derived AP in every setting', () => {
    const result = evaluateWider(imagesFromMat(gt, predictions), ['easy', 'medium', 'hard'])

    for (const s of result.settings) {
      expect(s.ap, s.setting).toBeCloseTo(EXPECTED[s.setting as keyof typeof EXPECTED], 12)
    }
    expect(result.settings.map((s) => s.countedFaces)).toEqual([1, 2, 3])
  })

  it('classes every prediction and face, in file order', () => {
    const result = evaluateWider(imagesFromMat(gt, predictions), ['easy', 'medium', 'hard'])
    const at = (key: string) => result.images.find((i) => i.key === key)!

    expect(at(NO_FACES).scored).toBe(true)
    expect(at(NO_FACES).bySetting.hard.predictions).toEqual(['fp'])
    expect(at(IGNORED).bySetting.hard.predictions).toEqual(['ignored', 'tp'])
    expect(at(IGNORED).bySetting.easy.predictions).toEqual(['ignored', 'ignored'])
    expect(at(MIXED).bySetting.hard.predictions).toEqual(['tp', 'tp', 'duplicate', 'ignored'])
    expect(at(MIXED).bySetting.easy.predictions).toEqual(['ignored', 'tp', 'duplicate', 'ignored'])
    expect(at(MIXED).bySetting.medium.gt).toEqual(['tp', 'tp', 'ignored'])
  })

  it('scores an unsorted prediction folder exactly like sorted predictions', async () => {
    const fromFiles = await readPredictionFolder(dir)
    expect(fromFiles.get(MIXED)!.faces.map((f) => f.score)).toEqual([0.5, 1, 0.8, 0])

    const sorted = new Map(
      [...predictions].map(([key, { faces }]) => [
        key,
        { faces: [...faces].sort((a, b) => b.score - a.score) },
      ]),
    )
    const settings = ['easy', 'medium', 'hard']
    const a = evaluateWider(imagesFromMat(gt, fromFiles), settings).settings.map((s) => s.ap)
    const b = evaluateWider(imagesFromMat(gt, sorted), settings).settings.map((s) => s.ap)
    expect(a).toEqual(b)
    expect(a[2]).toBeCloseTo(EXPECTED.hard, 12)
  })
})
