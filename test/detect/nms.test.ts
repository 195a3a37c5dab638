import { describe, expect, it } from 'vitest'
import { nms } from '../../src/main/detect/nms'

describe('nms', () => {
  it('suppresses heavy overlaps and keeps separate boxes, best score first', () => {
    const boxes = new Float32Array([0, 0, 9, 9, 1, 0, 10, 9, 20, 20, 29, 29])
    const scores = new Float32Array([0.8, 0.9, 0.5])
    // A and B: inter 9x10 = 90, areas 100 each -> IoU 0.82, so B (higher) suppresses A.
    expect(nms(boxes, scores, 0.4)).toEqual([1, 2])
  })

  it('uses the +1 pixel area convention of py_cpu_nms', () => {
    // +1: inter 3x5 = 15, areas 25 -> 0.43 > 0.4 (suppressed); continuous maths gives 0.33.
    const boxes = new Float32Array([0, 0, 4, 4, 2, 0, 6, 4])
    const scores = new Float32Array([0.9, 0.8])
    expect(nms(boxes, scores, 0.4)).toEqual([0])
    expect(nms(boxes, scores, 0.45)).toEqual([0, 1])
  })

  it('stops after keep boxes', () => {
    const boxes = new Float32Array([0, 0, 5, 5, 10, 10, 15, 15, 20, 20, 25, 25])
    const scores = new Float32Array([0.1, 0.3, 0.2])
    expect(nms(boxes, scores, 0.4, 2)).toEqual([1, 2])
  })

  it('handles degenerate boxes without NaN', () => {
    const boxes = new Float32Array([5, 5, 3, 3, 5, 5, 3, 3, 0, 0, 0, 0])
    const scores = new Float32Array([0.9, 0.8, 0.7])
    const kept = nms(boxes, scores, 0.4)
    expect(kept).toEqual([0, 1, 2])
  })
})
