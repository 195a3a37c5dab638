import { describe, expect, it } from 'vitest'
import { mapBack } from '../../src/main/detect/faceset'
import {
  planLetterbox,
  planNative,
  resizeRgb,
  toInputTensor,
} from '../../src/main/detect/preprocess'

describe('toInputTensor', () => {
  it('writes NCHW planes in B, G, R order minus the mean, padding with zero', () => {
    const rgb = new Uint8Array([10, 20, 30, 40, 50, 60])
    const t = toInputTensor(rgb, 2, 1, [104, 117, 123], 3, 2)

    expect(t.length).toBe(3 * 6)
    expect([...t.subarray(0, 6)]).toEqual([30 - 104, 60 - 104, 0, 0, 0, 0])
    expect([...t.subarray(6, 12)]).toEqual([20 - 117, 50 - 117, 0, 0, 0, 0])
    expect([...t.subarray(12, 18)]).toEqual([10 - 123, 40 - 123, 0, 0, 0, 0])
  })
})

describe('planLetterbox', () => {
  it('fits 1024x695 into 640 top-left with one scale factor and maps boxes back', () => {
    const plan = planLetterbox(1024, 695)
    expect(plan).toEqual({
      resizedWidth: 640,
      resizedHeight: 434,
      tensorWidth: 640,
      tensorHeight: 640,
      scale: 0.625,
    })

    const set = {
      count: 1,
      boxes: new Float32Array([64, 32, 128, 96]),
      scores: new Float32Array([1]),
      landmarks: new Float32Array(10).fill(320),
    }
    const back = mapBack(set, plan.scale)
    expect([...back.boxes]).toEqual([102.4, 51.2, 204.8, 153.6].map(Math.fround))
    expect(back.landmarks[0]).toBe(512)
  })

  it('fits a portrait image by its height', () => {
    expect(planLetterbox(695, 1024)).toMatchObject({
      resizedWidth: 434,
      resizedHeight: 640,
      scale: 0.625,
    })
  })
})

describe('planNative', () => {
  it('keeps the size and pads to a multiple of 32', () => {
    expect(planNative(641, 481)).toEqual({
      resizedWidth: 641,
      resizedHeight: 481,
      tensorWidth: 672,
      tensorHeight: 512,
      scale: 1,
    })
    expect(planNative(31, 17)).toMatchObject({ tensorWidth: 32, tensorHeight: 32 })
  })

  it('shrinks the long side to maxLongSide', () => {
    expect(planNative(4000, 33, { maxLongSide: 2048 })).toMatchObject({
      resizedWidth: 2048,
      resizedHeight: 17,
      tensorWidth: 2048,
      tensorHeight: 32,
    })
  })
})

describe('resizeRgb', () => {
  it('resizes bilinearly: a 2x1 ramp to 4x1 stays inside its end values', async () => {
    const out = await resizeRgb(Buffer.from([0, 0, 0, 200, 200, 200]), 2, 1, 4, 1)
    expect(out.length).toBe(12)
    const reds = [out[0], out[3], out[6], out[9]]
    expect(reds).toEqual([...reds].sort((a, b) => a - b))
    expect(Math.min(...reds)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...reds)).toBeLessThanOrEqual(200)
  })
})
