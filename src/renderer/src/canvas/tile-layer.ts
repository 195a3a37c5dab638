import type { TileRegion } from '@shared/display-image'
import type { ViewTransform } from './viewport'

/** Fetches one full-resolution tile of the shown image; rejects when `signal` aborts. */
export type TileSource = (region: TileRegion, signal: AbortSignal) => Promise<ImageBitmap>

/** The visible part of the image, in image pixels. */
export interface ImageRect {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** Grid step in image pixels: small enough that a deep zoom needs one to four tiles. */
export const TILE_SIDE = 512
/** Bitmaps kept (1 MB each at most): about two and a half screens of a 1440x900 canvas. */
const MAX_TILES = 96
/** More visible cells than this means the zoom is barely past the display image: skip. */
const MAX_VISIBLE = 48
const MAX_IN_FLIGHT = 4
/** While the view keeps moving, wait this long for it to rest before fetching. */
const SETTLE_MS = 80

/**
 * Full-resolution tiles drawn over the downscaled display image once the zoom asks for more
 * pixels than it holds (photos over 4096 px). Tiles sit on a fixed grid of the upright
 * original; the visible ones are fetched nearest the centre first, a few at a time, once the
 * view rests, and a fetch the view has moved away from is aborted. Bitmaps are kept least
 * recently used first out, up to a fixed count, so memory stays bounded.
 */
export class TileLayer {
  private source: TileSource | null = null
  private size = { width: 0, height: 0 }
  private onReady: () => void = () => undefined
  private readonly bitmaps = new Map<string, ImageBitmap>()
  private readonly loading = new Map<string, AbortController>()
  private readonly failed = new Set<string>()
  private wanted: { key: string; region: TileRegion }[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastView = ''
  private generation = 0

  /** Replaces the image; null drops every tile and fetch. */
  set(source: TileSource | null, size: Size, onReady: () => void): void {
    this.clear()
    this.source = source
    this.size = size
    this.onReady = onReady
  }

  /** Tiles currently held, for tests and the memory bound. */
  get held(): number {
    return this.bitmaps.size
  }

  /**
   * Draws the held tiles over `visible` and, when `request`, fetches the missing ones (the
   * loupe draws with `request` false: it must not cancel the main view's fetches).
   */
  draw(
    ctx: CanvasRenderingContext2D,
    view: ViewTransform,
    visible: ImageRect,
    want: number,
    request: boolean,
  ): void {
    if (!this.source) return
    const cells = this.cells(visible)
    if (cells.length > MAX_VISIBLE) return request ? this.idle() : undefined

    const missing: { key: string; region: TileRegion }[] = []
    ctx.imageSmoothingEnabled = want < 3
    for (const { key, region } of cells) {
      const bitmap = this.bitmaps.get(key)
      if (!bitmap) {
        if (!this.failed.has(key)) missing.push({ key, region })
        continue
      }
      // Re-inserting marks the tile most recently used.
      this.bitmaps.delete(key)
      this.bitmaps.set(key, bitmap)
      const x0 = Math.max(visible.x0, region.x)
      const y0 = Math.max(visible.y0, region.y)
      const x1 = Math.min(visible.x1, region.x + region.width)
      const y1 = Math.min(visible.y1, region.y + region.height)
      ctx.drawImage(
        bitmap,
        x0 - region.x,
        y0 - region.y,
        x1 - x0,
        y1 - y0,
        view.offsetX + x0 * view.scale,
        view.offsetY + y0 * view.scale,
        (x1 - x0) * view.scale,
        (y1 - y0) * view.scale,
      )
    }
    if (!request) return

    const cx = (visible.x0 + visible.x1) / 2
    const cy = (visible.y0 + visible.y1) / 2
    const distance = (r: TileRegion) => Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy)
    this.wanted = missing.sort((a, b) => distance(a.region) - distance(b.region))

    // A resting view fetches at once; a moving one waits until it rests.
    const viewKey = `${view.scale},${view.offsetX},${view.offsetY}`
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (viewKey === this.lastView) this.fetch()
    else {
      this.timer = setTimeout(() => {
        this.timer = null
        this.fetch()
      }, SETTLE_MS)
    }
    this.lastView = viewKey
  }

  /** The zoom no longer needs tiles: stop fetching, keep what is held. */
  idle(): void {
    this.wanted = []
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    for (const controller of this.loading.values()) controller.abort()
    this.loading.clear()
  }

  clear(): void {
    this.generation += 1
    this.idle()
    for (const bitmap of this.bitmaps.values()) bitmap.close()
    this.bitmaps.clear()
    this.failed.clear()
    this.source = null
    this.lastView = ''
  }

  private cells(visible: ImageRect): { key: string; region: TileRegion }[] {
    const out: { key: string; region: TileRegion }[] = []
    const { width, height } = this.size
    for (let y = Math.floor(visible.y0 / TILE_SIDE) * TILE_SIDE; y < visible.y1; y += TILE_SIDE) {
      for (let x = Math.floor(visible.x0 / TILE_SIDE) * TILE_SIDE; x < visible.x1; x += TILE_SIDE) {
        const region = {
          x,
          y,
          width: Math.min(TILE_SIDE, width - x),
          height: Math.min(TILE_SIDE, height - y),
        }
        if (region.width > 0 && region.height > 0) out.push({ key: `${x},${y}`, region })
      }
    }
    return out
  }

  /** Aborts fetches the view left behind and starts the nearest missing ones. */
  private fetch(): void {
    const source = this.source
    if (!source) return
    const keys = new Set(this.wanted.map((w) => w.key))
    for (const [key, controller] of this.loading) {
      if (!keys.has(key)) {
        controller.abort()
        this.loading.delete(key)
      }
    }
    const generation = this.generation
    for (const { key, region } of this.wanted) {
      if (this.loading.size >= MAX_IN_FLIGHT) break
      if (this.loading.has(key)) continue
      const controller = new AbortController()
      this.loading.set(key, controller)
      source(region, controller.signal).then(
        (bitmap) => {
          if (generation !== this.generation || controller.signal.aborted) return bitmap.close()
          this.loading.delete(key)
          this.keep(key, bitmap)
          this.onReady()
        },
        () => {
          if (generation !== this.generation || controller.signal.aborted) return
          // The display image still shows; asking again would fail again.
          this.loading.delete(key)
          this.failed.add(key)
        },
      )
    }
  }

  private keep(key: string, bitmap: ImageBitmap): void {
    this.bitmaps.set(key, bitmap)
    for (const [old, stale] of this.bitmaps) {
      if (this.bitmaps.size <= MAX_TILES) break
      stale.close()
      this.bitmaps.delete(old)
    }
  }
}

/** A width and height in image pixels. */
interface Size {
  width: number
  height: number
}
