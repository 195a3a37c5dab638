import { describe, expect, it } from 'vitest'
import { getManifest } from '../../src/main/models/manifest'
import { buildPriors, priorCount } from '../../src/main/detect/priors'

const config = getManifest('retinaface-mnet025').priors

describe('buildPriors', () => {
  it('lays out 16800 priors at 640x640, step 8 first, two sizes per cell', () => {
    const { data, count } = buildPriors(config, 640, 640)

    expect(count).toBe(16800)
    expect(data.length).toBe(16800 * 4)
    // Cell (0, 0) of step 8: centre 4/640, sizes 16/640 and 32/640.
    expect([...data.subarray(0, 8)]).toEqual(
      [0.00625, 0.00625, 0.025, 0.025, 0.00625, 0.00625, 0.05, 0.05].map(Math.fround),
    )
    // Cell (0, 1): the next column, row-major.
    expect(data[8]).toBeCloseTo(12 / 640, 7)
    expect(data[9]).toBeCloseTo(4 / 640, 7)
    // Cell (1, 0) starts after the 80 cells of row 0.
    expect(data[80 * 2 * 4]).toBeCloseTo(4 / 640, 7)
    expect(data[80 * 2 * 4 + 1]).toBeCloseTo(12 / 640, 7)
    // First prior of step 16 follows the 80*80*2 step-8 rows.
    expect([...data.subarray(12800 * 4, 12800 * 4 + 4)]).toEqual(
      [8 / 640, 8 / 640, 0.1, 0.1].map(Math.fround),
    )
    // Last prior: step 32, cell (19, 19), size 512.
    expect(data[16799 * 4]).toBeCloseTo((19.5 * 32) / 640, 6)
    expect(data[16799 * 4 + 2]).toBeCloseTo(512 / 640, 6)
  })

  it('counts 2 * sum(ceil(H/s) * ceil(W/s)) rows at 1024x695', () => {
    const expected = 2 * (87 * 128 + 44 * 64 + 22 * 32)
    expect(expected).toBe(29312)
    expect(priorCount(config, 1024, 695)).toBe(expected)
    expect(buildPriors(config, 1024, 695).count).toBe(expected)
  })

  it('normalises by each axis on a non-square input', () => {
    const { data } = buildPriors(config, 1024, 695)
    expect(data[0]).toBeCloseTo(4 / 1024, 7)
    expect(data[1]).toBeCloseTo(4 / 695, 7)
    expect(data[2]).toBeCloseTo(16 / 1024, 7)
    expect(data[3]).toBeCloseTo(16 / 695, 7)
  })
})
