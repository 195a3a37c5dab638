import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { TileRegion } from '../../src/shared/display-image'
import { TILE_SIDE, TileLayer } from '../../src/renderer/src/canvas/tile-layer'

/** A bitmap stand-in that remembers being closed. */
function bitmap(region: TileRegion) {
  return {
    region,
    closed: false,
    close() {
      this.closed = true
    },
  }
}

/** A tile source whose fetches resolve when the test says so. */
function source() {
  const calls: { region: TileRegion; signal: AbortSignal; done: () => void }[] = []
  const fetch = (region: TileRegion, signal: AbortSignal) =>
    new Promise<ImageBitmap>((resolve) =>
      calls.push({ region, signal, done: () => resolve(bitmap(region) as unknown as ImageBitmap) }),
    )
  return { calls, fetch }
}

function context() {
  const drawn: number[][] = []
  const ctx = {
    imageSmoothingEnabled: true,
    drawImage: (_: unknown, ...args: number[]) => drawn.push(args),
  }
  return { drawn, ctx: ctx as unknown as CanvasRenderingContext2D }
}

const SIZE = { width: 8000, height: 6000 }
/** Lets settled fetches run their callbacks (microtasks only: timers are faked). */
async function flush() {
  for (let i = 0; i < 3; i++) await Promise.resolve()
}

describe('when the zoom outgrows the display image', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
  afterEach(() => vi.useRealTimers())

  it('fetches the visible grid cells nearest first, clipped to the image edge', async () => {
    const { calls, fetch } = source()
    const layer = new TileLayer()
    const ready = vi.fn()
    layer.set(fetch, SIZE, ready)
    const { ctx } = context()
    const view = { scale: 4, offsetX: -7900 * 4, offsetY: -5900 * 4 }
    layer.draw(ctx, view, { x0: 7900, y0: 5900, x1: 8000, y1: 6000 }, 4, true)
    expect(calls, 'waits for the view to rest').toHaveLength(0)
    vi.advanceTimersByTime(100)
    expect(calls.map((c) => c.region)).toEqual([
      { x: 15 * TILE_SIDE, y: 11 * TILE_SIDE, width: 8000 - 15 * TILE_SIDE, height: 368 },
    ])
    calls[0].done()
    await flush()
    expect(ready).toHaveBeenCalledOnce()
    expect(layer.held).toBe(1)
  })

  it('draws a held tile over exactly its part of the view, unsmoothed when magnified', async () => {
    const { calls, fetch } = source()
    const layer = new TileLayer()
    layer.set(fetch, SIZE, () => undefined)
    const view = { scale: 8, offsetX: -6400 * 8, offsetY: -1400 * 8 }
    const visible = { x0: 6400, y0: 1400, x1: 6580, y1: 1512 }
    layer.draw(context().ctx, view, visible, 8, true)
    vi.advanceTimersByTime(100)
    expect(calls.map((c) => [c.region.x, c.region.y])).toEqual([[6144, 1024]])
    calls.forEach((c) => c.done())
    await flush()

    const { ctx, drawn } = context()
    layer.draw(ctx, view, visible, 8, false)
    expect(ctx.imageSmoothingEnabled).toBe(false)
    // Source: from 256,376 in the tile (6400-6144, 1400-1024); destination: the view origin.
    expect(drawn).toEqual([[256, 376, 180, 112, 0, 0, 180 * 8, 112 * 8]])
  })

  it('aborts fetches the view moved away from and keeps at most 96 bitmaps', async () => {
    const { calls, fetch } = source()
    const layer = new TileLayer()
    layer.set(fetch, SIZE, () => undefined)
    const look = (x: number, y: number) => {
      const view = { scale: 2, offsetX: -x * 2, offsetY: -y * 2 }
      layer.draw(context().ctx, view, { x0: x, y0: y, x1: x + 10, y1: y + 10 }, 2, true)
      vi.advanceTimersByTime(100)
    }
    look(0, 0)
    look(4000, 4000)
    expect(calls[0].signal.aborted).toBe(true)
    expect(calls[1].signal.aborted).toBe(false)

    for (let i = 0; i < 120; i++) {
      look((i % 15) * TILE_SIDE, Math.floor(i / 15) * TILE_SIDE)
      calls.at(-1)!.done()
      await flush()
    }
    expect(layer.held).toBe(96)
  })
})
