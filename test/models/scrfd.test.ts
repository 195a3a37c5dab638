import { describe, expect, it } from 'vitest'
import { decodeScrfd, scrfdAnchorCount } from '../../src/main/detect/scrfd'

describe('decodeScrfd', () => {
  it('places anchors at cell corners and scales distances and keypoints by the stride', () => {
    // A 64x32 input: stride 16 has 2 rows x 4 columns x 2 anchors = 16 anchor points.
    expect(scrfdAnchorCount(64, 32, 16, 2)).toBe(16)
    const scores = new Float32Array(16)
    const boxes = new Float32Array(64)
    const keypoints = new Float32Array(160)
    // Anchor 13 = cell 6 = row 1, column 2: centre (32, 16).
    scores[13] = 0.9
    boxes.set([1, 0.5, 2, 1], 13 * 4)
    keypoints.set([-1, -1, 1, -1, 0, 0, -0.5, 0.5, 0.5, 0.5], 13 * 10)
    scores[2] = 0.3

    const out = decodeScrfd([{ stride: 16, scores, boxes, keypoints }], 64, 32, {
      scoreThreshold: 0.5,
      topK: 10,
      perCell: 2,
    })
    expect(out.count).toBe(1)
    expect(Array.from(out.boxes)).toEqual([16, 8, 64, 32])
    expect(Array.from(out.landmarks)).toEqual([16, 0, 48, 0, 32, 16, 24, 24, 40, 24])
    expect(out.scores[0]).toBeCloseTo(0.9, 6)
  })

  it('refuses outputs whose length does not fit the anchor layout', () => {
    const level = {
      stride: 8,
      scores: new Float32Array(10),
      boxes: new Float32Array(40),
      keypoints: new Float32Array(100),
    }
    expect(() =>
      decodeScrfd([level], 64, 64, { scoreThreshold: 0.5, topK: 10, perCell: 2 }),
    ).toThrow('stride 8 gave 10 scores, expected 128 for a 64x64 input with 2 anchors per cell')
  })
})
