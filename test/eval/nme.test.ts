import { describe, expect, it } from 'vitest'

import { evaluateNme, type NmeGtFace } from '../../src/main/eval/nme'
import type { Landmark } from '../../src/shared/face'

const points = (dx = 0, dy = 0): Landmark[] =>
  [
    [30, 40],
    [70, 40],
    [50, 60],
    [35, 80],
    [65, 80],
  ].map(([x, y]) => ({ x: x + dx, y: y + dy, visibility: 'visible' as const }))

const gtFace = (landmarks: Landmark[]): NmeGtFace => ({
  box: { x: 0, y: 0, width: 100, height: 100 },
  landmarks,
})

describe('evaluateNme', () => {
  it('normalises the mean point error by √(w·h) of the GT box', () => {
    // Every point off by (3, 4): distance 5, box √(100·100) = 100, NME 0.05.
    const result = evaluateNme([
      {
        key: 'a',
        gt: [gtFace(points())],
        predictions: [
          { box: { x: 2, y: 2, width: 100, height: 100 }, score: 0.9, landmarks: points(3, 4) },
        ],
      },
    ])

    expect(result.faces).toHaveLength(1)
    expect(result.mean).toBeCloseTo(0.05, 12)
    expect(result.failureRate).toBe(0)
    expect(result.perLandmark.every((e) => Math.abs(e - 0.05) < 1e-12)).toBe(true)
    expect(result.ced.find((p) => p.nme >= 0.05 - 1e-12)?.fraction).toBe(1)
    expect(result.ced[0]).toEqual({ nme: 0, fraction: 0 })
  })

  it('skips absent GT points, faces without landmarks and unmatched faces', () => {
    const partial = points()
    partial[4] = { x: -1, y: -1, visibility: 'absent' }
    const far = {
      box: { x: 500, y: 500, width: 100, height: 100 },
      score: 0.99,
      landmarks: points(500, 500),
    }
    const hit = {
      box: { x: 0, y: 0, width: 100, height: 100 },
      score: 0.5,
      landmarks: points(0, 20),
    }
    hit.landmarks[4] = { x: 1000, y: 1000, visibility: 'visible' }

    const result = evaluateNme([
      {
        key: 'a',
        gt: [
          gtFace(partial),
          gtFace([]),
          { ...gtFace(points()), box: { x: 300, y: 0, width: 50, height: 50 } },
        ],
        predictions: [far, hit],
      },
    ])

    // Four annotated points each 20 px off: NME 0.2, a failure. The third GT is unmatched.
    expect(result.faces.map((f) => f.nme)).toEqual([0.2])
    expect(result.faces[0].pointErrors[4]).toBeNull()
    expect(result.unmatched).toBe(1)
    expect(result.failureRate).toBe(1)
  })
})
