import { describe, expect, it } from 'vitest'

import { evaluateWider, vocAp, type ProtocolImage } from '../../src/main/eval/wider-protocol'
import type { Box } from '../../src/shared/face'

const S = 'setting'
const box = (x: number, y: number, w = 10, h = 10): Box => ({ x, y, width: w, height: h })
const pred = (b: Box, score: number) => ({ box: b, score })
const G0 = box(0, 0)
const G1 = box(100, 0)
const FAR = box(500, 500)

function image(
  gt: Box[],
  counted: number[],
  predictions: { box: Box; score: number }[],
  key = 'e/img',
): ProtocolImage {
  return { key, gt, counted: { [S]: counted }, predictions }
}

function evaluate(images: ProtocolImage[]) {
  const result = evaluateWider(images, [S])
  return {
    ap: result.settings[0].ap,
    result,
    outcome: (i: number) => result.images[i].bySetting[S],
  }
}

describe('evaluateWider', () => {
  it('computes AP by hand for a TP, an FP and a lower-scored TP', () => {
    // Normalised scores 1, 0.5, 0 enter at threshold steps 0, 499, 999: precision 1 up to
    // recall 0.5, then 2/3 at recall 1. AP = 0.5·1 + 0.5·2/3.
    const { ap, result } = evaluate([
      image([G0, G1], [0, 1], [pred(G0, 0.9), pred(FAR, 0.8), pred(G1, 0.7)]),
    ])

    expect(ap).toBeCloseTo(0.5 + 1 / 3, 12)
    const { precision, recall, thresholds } = result.settings[0]
    expect(thresholds[0]).toBeCloseTo(0.999, 12)
    expect([precision[498], recall[498], precision[499], recall[499]]).toEqual([1, 0.5, 0.5, 0.5])
    expect([precision[999], recall[999]]).toEqual([2 / 3, 1])
  })

  it('sorts unsorted predictions first and reports outcomes in the given order', () => {
    const { ap, outcome } = evaluate([
      image([G0, G1], [0, 1], [pred(G1, 0.7), pred(FAR, 0.8), pred(G0, 0.9)]),
    ])

    expect(ap).toBeCloseTo(0.5 + 1 / 3, 12)
    expect(outcome(0).predictions).toEqual(['tp', 'fp', 'tp'])
    expect(outcome(0).gt).toEqual(['tp', 'tp'])
  })

  it('counts a second hit on a recalled face against precision', () => {
    const shifted = box(1, 0)
    const { ap, outcome } = evaluate([
      image([G0, G1], [0, 1], [pred(G0, 0.9), pred(shifted, 0.8), pred(G1, 0.7)]),
    ])

    expect(ap).toBeCloseTo(0.5 + 1 / 3, 12)
    expect(outcome(0).predictions).toEqual(['tp', 'duplicate', 'tp'])
  })

  it('neither rewards nor punishes a hit on a face outside the setting', () => {
    // Ignored 0.9, TP 0.8 (step 499), FP 0.7 (step 999): precision 1 at recall 1. AP = 1;
    // counting the ignored hit as FP would give 0.5.
    const { ap, outcome, result } = evaluate([
      image([G0, G1], [0], [pred(G1, 0.9), pred(G0, 0.8), pred(FAR, 0.7)]),
    ])

    expect(ap).toBe(1)
    expect(outcome(0).predictions).toEqual(['ignored', 'tp', 'fp'])
    expect(outcome(0).gt).toEqual(['tp', 'ignored'])
    expect(result.settings[0].countedFaces).toBe(1)
  })

  it('gives AP 0 when every face is ignored', () => {
    const { ap, outcome } = evaluate([
      image([G0, G1], [], [pred(G0, 0.9), pred(G1, 0.8), pred(FAR, 0.7)]),
    ])

    expect(ap).toBe(0)
    expect(outcome(0).predictions).toEqual(['ignored', 'ignored', 'fp'])
    expect(outcome(0).gt).toEqual(['ignored', 'ignored'])
  })

  it('skips an image without faces, as the official code does, but normalises its scores', () => {
    // Scores span 0.5..0.9, so the only TP (0.5) enters at the last step; the two detections
    // on the empty image are never counted. AP = 1.
    const empty = image([], [], [pred(G0, 0.9), pred(G1, 0.8)], 'e/empty')
    const { ap, result } = evaluate([empty, image([G0], [0], [pred(G0, 0.5)])])

    expect(ap).toBe(1)
    expect(result.settings[0].recall[998]).toBe(0)
    expect(result.images[0].scored).toBe(false)
    expect(result.images[0].bySetting[S].predictions).toEqual(['fp', 'fp'])
  })

  it('counts the faces of an image without predictions as misses', () => {
    // One TP among three counted faces: recall 1/3 at precision 1, then an FP. AP = 1/3.
    const { ap, outcome } = evaluate([
      image([G0], [0], [pred(G0, 0.9), pred(FAR, 0.1)]),
      image([G0, G1], [0, 1], [], 'e/none'),
    ])

    expect(ap).toBeCloseTo(1 / 3, 12)
    expect(outcome(1).gt).toEqual(['miss', 'miss'])
  })

  it('uses the +1 pixel IoU and the first maximum', () => {
    // [0,10]x[0,10] against [5,15]x[0,10]: (10-5+1)·11 / (121+121-66) = 66/176 = 0.375.
    const { result } = evaluate([image([G0, G0], [0, 1], [pred(box(5, 0), 0.9)])])

    expect(result.images[0].iou[0]).toBeCloseTo(66 / 176, 12)
    expect(result.images[0].gtIndex[0]).toBe(0)
  })

  it('scores the ground truth itself with equal scores as AP 1', () => {
    const gt = [G0, G1, box(200, 50, 30, 40)]
    const { ap } = evaluate([
      image(
        gt,
        [0, 1, 2],
        gt.map((b) => pred(b, 1)),
      ),
    ])

    expect(ap).toBe(1)
  })

  it('never produces NaN for degenerate boxes', () => {
    const gt = [box(0, 0, 0, 10), box(0, 0, -10, 5), box(3, 3, -1, -1)]
    const { result } = evaluate([
      image(gt, [0, 1, 2], [pred(box(0, 0, -1, -1), 0.9), pred(G0, 0.5)]),
    ])

    expect(Array.from(result.images[0].iou).every(Number.isFinite)).toBe(true)
    expect(Number.isFinite(result.settings[0].ap)).toBe(true)
  })
})

describe('vocAp', () => {
  it('takes the monotone envelope of precision', () => {
    // Recall 0.5 at 0.5 precision, then 1.0 at 0.8: the envelope lifts the first to 0.8.
    expect(vocAp([0.5, 1], [0.5, 0.8])).toBeCloseTo(0.8, 12)
  })
})
