import { describe, expect, it } from 'vitest'

import { compareFaces, type ReviewFace, type ReviewImage } from '../../src/main/review/compare'
import { reviewOptions } from '../../src/main/review/load'
import { DEFAULT_ATTRIBUTES, type Box, type Landmark } from '../../src/shared/face'
import type { LabelSetRecord } from '../../src/shared/records'
import { summaryCsv, type ReviewOptions, type Verdict } from '../../src/shared/review'

let nextId = 1
const box = (x: number, y = 0, w = 20, h = 20): Box => ({ x, y, width: w, height: h })

/** Five points on a fixed pattern inside the box, moved by `dx` px. */
function points(b: Box, dx = 0): Landmark[] {
  return [
    [0.3, 0.4],
    [0.7, 0.4],
    [0.5, 0.6],
    [0.35, 0.8],
    [0.65, 0.8],
  ].map(([fx, fy]) => ({
    x: b.x + fx * b.width + dx,
    y: b.y + fy * b.height,
    visibility: 'visible',
  }))
}

function face(b: Box, extra: Partial<ReviewFace> = {}): ReviewFace {
  return {
    id: nextId++,
    box: b,
    score: null,
    landmarks: [],
    attributes: { ...DEFAULT_ATTRIBUTES },
    ...extra,
  }
}

const pred = (b: Box, score: number, extra: Partial<ReviewFace> = {}) =>
  face(b, { score, ...extra })

function image(gt: ReviewFace[], predictions: ReviewFace[], imageId = 1): ReviewImage {
  return { imageId, relPath: `img${imageId}.jpg`, gt, predictions }
}

function compare(
  images: ReviewImage[],
  options: Partial<ReviewOptions> = {},
  verdicts = new Map<number, Verdict>(),
) {
  return compareFaces({ images, settings: [], verdicts }, reviewOptions(options))
}

describe('when predictions are matched to ground truth', () => {
  it('classes a hit, a duplicate, a false positive and a miss', () => {
    const g0 = face(box(0))
    const g1 = face(box(100))
    const hit = pred(box(0), 0.9)
    const dup = pred(box(1), 0.8)
    const fp = pred(box(500), 0.7)
    const report = compare([image([g0, g1], [hit, dup, fp])])

    expect(report.counts).toMatchObject({ tp: 1, duplicate: 1, fp: 1, miss: 1 })
    const byKind = Object.fromEntries(report.cases.map((c) => [c.kind, c]))
    expect(byKind.duplicate).toMatchObject({ faceId: dup.id, otherFaceId: g0.id })
    expect(byKind.fp).toMatchObject({ faceId: fp.id, otherFaceId: null, iou: null, score: 0.7 })
    expect(byKind.miss).toMatchObject({ faceId: g1.id, score: null })
    expect(report.imageCounts[0]).toMatchObject({ fp: 1, duplicate: 1, miss: 1, errors: 3 })
  })

  it('reports the IoU of a duplicate in the protocol convention', () => {
    // [0,20]x[0,20] and [1,21]x[0,20] with +1 px: 20·21 / (441 + 441 − 420) = 420/462.
    const report = compare([image([face(box(0))], [pred(box(0), 0.9), pred(box(1), 0.8)])])

    expect(report.cases[0].iou).toBeCloseTo(420 / 462, 12)
  })

  it('takes an adjustable IoU threshold', () => {
    // IoU (11·21)/(441+441−231) = 231/651 ≈ 0.355: a miss at 0.5, a hit at 0.3.
    const images = [image([face(box(0))], [pred(box(10), 0.9)])]

    expect(compare(images).counts).toMatchObject({ tp: 0, fp: 1, miss: 1 })
    expect(compare(images, { iouThreshold: 0.3 }).counts).toMatchObject({ tp: 1, fp: 0, miss: 0 })
  })

  it('counts faces only at or above the score threshold, while AP uses every prediction', () => {
    const g = face(box(0))
    const report = compare([image([g], [pred(box(0), 0.3)])])

    expect(report.settings[0].ap).toBe(1)
    expect(report.counts).toMatchObject({ tp: 0, miss: 1, belowThreshold: 1 })
    expect(compare([image([g], [pred(box(0), 0.3)])], { scoreThreshold: 0.2 }).counts.tp).toBe(1)
  })
})

describe('when ground-truth faces are invalid or tiny', () => {
  it('neither rewards nor punishes a hit on an invalid face', () => {
    const invalid = face(box(0), { attributes: { ...DEFAULT_ATTRIBUTES, invalid: true } })
    const report = compare([
      image([invalid, face(box(100))], [pred(box(0), 0.9), pred(box(100), 0.8)]),
    ])

    expect(report.counts).toMatchObject({ tp: 1, fp: 0, ignoredPredictions: 1, ignoredGt: 1 })
    expect(report.settings[0]).toMatchObject({ ap: 1, countedFaces: 1 })
  })

  it('ignores faces under the minimum size like invalid ones, only when asked', () => {
    const tiny = face(box(0, 0, 8, 12))
    const images = [image([tiny, face(box(100))], [pred(box(100), 0.9)])]

    expect(compare(images).counts).toMatchObject({ miss: 1, ignoredGt: 0 })
    expect(compare(images, { minFaceSize: 10 }).counts).toMatchObject({ miss: 0, ignoredGt: 1 })
    expect(compare(images, { minFaceSize: 10 }).settings[0].countedFaces).toBe(1)
  })
})

describe('when AP is summarised', () => {
  it('gives the hand-computed AP: TP, FP, then a lower TP', () => {
    // Ranked: TP (P 1, R ½), FP, TP (P ⅔, R 1) → ½·1 + ½·⅔.
    const report = compare([
      image(
        [face(box(0)), face(box(100))],
        [pred(box(0), 0.9), pred(box(500), 0.8), pred(box(100), 0.7)],
      ),
    ])

    expect(report.settings[0].ap).toBeCloseTo(0.5 + 1 / 3, 12)
    expect(report.settings[0].recall).toHaveLength(1000)
  })

  it('averages AP over IoU 0.50:0.95 when there are no WIDER subsets', () => {
    // A 20 px box shifted 2 px: IoU 19·21/(441+441−399) = 399/483 ≈ 0.826, a hit up to 0.80.
    const report = compare([image([face(box(0))], [pred(box(2), 0.9)])])

    expect(report.apByIou.map((p) => p.iou)).toEqual([
      0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95,
    ])
    expect(report.apByIou.map((p) => p.ap)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0])
    expect(report.apRange).toBeCloseTo(0.7, 12)
  })

  it('gives AP per WIDER setting when the ground truth carries subsets', () => {
    const g0 = face(box(0))
    const g1 = face(box(100))
    const report = compareFaces(
      {
        images: [
          {
            ...image([g0, g1], [pred(box(0), 0.9), pred(box(100), 0.8)]),
            subsets: { easy: [0], hard: [0, 1] },
          },
        ],
        settings: ['easy', 'hard'],
        verdicts: new Map(),
      },
      reviewOptions(),
    )

    expect(report.settings.map((s) => [s.setting, s.ap, s.countedFaces])).toEqual([
      ['easy', 1, 1],
      ['hard', 1, 2],
    ])
    expect(report.primarySetting).toBe('hard')
    expect(report.apRange).toBeNull()
  })
})

describe('when faces carry landmarks', () => {
  it('measures NME over √(w·h) of the GT box and lists faces above the failure threshold', () => {
    const gBox = box(0, 0, 40, 40)
    const good = face(gBox, { landmarks: points(gBox) })
    const badBox = box(100, 0, 40, 40)
    const bad = face(badBox, { landmarks: points(badBox) })
    const report = compare([
      image(
        [good, bad],
        [
          pred(gBox, 0.9, { landmarks: points(gBox, 2) }),
          pred(badBox, 0.8, { landmarks: points(badBox, 8) }),
        ],
      ),
    ])

    // 2 px / 40 = 0.05 and 8 px / 40 = 0.2: one of the two fails at 0.1.
    expect(report.nme!.mean).toBeCloseTo(0.125, 12)
    expect(report.nme!.failureRate).toBe(0.5)
    const landmarkCases = report.cases.filter((c) => c.kind === 'landmarks')
    expect(landmarkCases).toHaveLength(1)
    expect(landmarkCases[0]).toMatchObject({ otherFaceId: bad.id, size: 40, sizeBand: 'medium' })
    expect(landmarkCases[0].nme).toBeCloseTo(0.2, 12)
  })
})

describe('when people judge cases', () => {
  it('counts verdicts and leaves "ground truth wrong" cases out of the adjusted AP', () => {
    const real = face(box(0))
    const bogus = face(box(100))
    const fp = pred(box(500), 0.95)
    const images = [image([real, bogus], [fp, pred(box(0), 0.9)])]
    const verdicts = new Map<number, Verdict>([
      [bogus.id, 'gt_wrong'],
      [fp.id, 'gt_wrong'],
    ])
    const report = compare(images, {}, verdicts)

    expect(report.settings[0].ap).toBeLessThan(1)
    expect(report.verdicts).toEqual({ gtWrong: 2, detectorWrong: 0 })
    expect(report.adjustedAp).toEqual([{ setting: 'all', ap: 1 }])
    expect(report.cases.find((c) => c.faceId === bogus.id)!.verdict).toBe('gt_wrong')
    expect(compare(images).adjustedAp).toBeNull()
  })
})

describe('when an image has no ground-truth face', () => {
  it('counts nothing for it and never produces NaN', () => {
    const report = compare([image([], [pred(box(0), 0.9)])])

    expect(report.settings[0]).toMatchObject({ ap: 0, countedFaces: 0 })
    expect(report.counts.fp).toBe(1)
    expect(Number.isNaN(report.apRange)).toBe(false)
  })
})

describe('when no matched face has landmarks in both sets', () => {
  it('leaves the NME cells of the summary CSV empty rather than writing 0', () => {
    const gt = face(box(0), { landmarks: points(box(0)) })
    const report = compare([image([gt], [pred(box(0), 0.9)])])

    expect(report.nme?.matchedFaces).toBe(0)
    const set = (id: number, kind: LabelSetRecord['kind']): LabelSetRecord => {
      return { id, datasetId: 1, kind, name: kind, runId: null, createdAt: '2026-12-04' }
    }
    const csv = summaryCsv({
      ...report,
      predSet: set(1, 'predictions'),
      gtSet: set(2, 'ground_truth'),
    })
    const rows = csv.split('\n')
    expect(rows).toContain('nme_mean,,')
    expect(rows).toContain('nme_failure_rate,,')
    expect(rows).toContain('nme_matched_faces,,0')
  })
})
