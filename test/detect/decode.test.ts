import { describe, expect, it } from 'vitest'
import { decodeDetections } from '../../src/main/detect/decode'

const variance = [0.1, 0.2] as const

describe('decodeDetections', () => {
  // Two priors: the first is decoded by hand, the second scores under the threshold.
  const priors = new Float32Array([0.5, 0.5, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1])
  const loc = new Float32Array([1, -1, Math.log(2) / 0.2, 0, 9, 9, 9, 9])
  const conf = new Float32Array([0.1, 0.9, 0.99, 0.01])
  const landm = new Float32Array(20)
  landm.set([2, 0, 0, 1, 0, 0, 0, 0, -1, -1])

  it('applies the variance-scaled deltas and multiplies by the input size', () => {
    const out = decodeDetections(loc, conf, landm, priors, 100, 200, {
      scoreThreshold: 0.5,
      topK: 10,
      variance,
    })

    expect(out.count).toBe(1)
    // cx = .5 + 1*.1*.1 = .51, cy = .5 - .1*.2 = .48, w = .1*2 = .2, h = .2
    const box = [...out.boxes]
    expect(box[0]).toBeCloseTo(41, 4)
    expect(box[1]).toBeCloseTo(76, 4)
    expect(box[2]).toBeCloseTo(61, 4)
    expect(box[3]).toBeCloseTo(116, 4)
    expect(out.scores[0]).toBeCloseTo(0.9, 6)
    // Point 0: x = (.5 + 2*.1*.1)*100; point 1: y = (.5 + 1*.1*.2)*200; point 4: (-1, -1).
    expect(out.landmarks[0]).toBeCloseTo(52, 4)
    expect(out.landmarks[1]).toBeCloseTo(100, 4)
    expect(out.landmarks[3]).toBeCloseTo(104, 4)
    expect(out.landmarks[8]).toBeCloseTo(49, 4)
    expect(out.landmarks[9]).toBeCloseTo(96, 4)
  })

  it('keeps only the top-k scores', () => {
    const conf2 = new Float32Array([0.1, 0.6, 0.2, 0.8])
    const out = decodeDetections(loc, conf2, landm, priors, 100, 100, {
      scoreThreshold: 0.5,
      topK: 1,
      variance,
    })
    expect(out.count).toBe(1)
    expect(out.scores[0]).toBeCloseTo(0.8, 6)
  })

  it('returns nothing when every row is under the threshold', () => {
    const out = decodeDetections(loc, conf, landm, priors, 100, 100, {
      scoreThreshold: 0.95,
      topK: 5,
      variance,
    })
    expect(out.count).toBe(0)
  })
})
