import { TileLayer, type TileSource } from './tile-layer'
import type { ViewTransform } from './viewport'

/** One resolution of the display bitmap: `scale` bitmap pixels per image pixel. */
interface Level {
  bitmap: ImageBitmap | CanvasImageSource
  width: number
  height: number
  scale: number
}

/** Levels stop halving below this long side; smaller would only blur. */
const MIN_LEVEL_SIDE = 256

/**
 * The photo under the faces, drawn fast at any zoom. Zoomed out, a 4096 px bitmap squeezed
 * into 900 screen pixels every frame is the single biggest cost of a paint, so halved copies
 * (a mip chain) are built in the background and the smallest one still sharp enough is used.
 * Zoomed in, only the visible part of the bitmap is drawn, and past 3x magnification
 * smoothing is turned off so the annotator sees real pixels to place points on. Past the
 * display bitmap's own resolution (photos over 4096 px), full-resolution tiles of the
 * original are drawn over it where they have arrived.
 */
export class ImageLayer {
  private levels: Level[] = []
  private generation = 0
  private readonly tiles = new TileLayer()

  /** Replaces the image; `size` is its upright full size (the face coordinate space). */
  set(
    image: CanvasImageSource | null,
    size: { width: number; height: number } | null,
    onReady: () => void,
    tiles: TileSource | null = null,
  ) {
    const generation = ++this.generation
    this.levels = []
    this.tiles.clear()
    if (!image || !size) return
    const width = 'width' in image ? Number(image.width) : size.width
    const height = 'height' in image ? Number(image.height) : size.height
    this.levels = [{ bitmap: image, width, height, scale: width / size.width }]
    if (tiles && width < size.width) this.tiles.set(tiles, size, onReady)
    void this.buildLevels(image, width, height, size.width, generation, onReady)
  }

  /** Full-resolution tiles held now (a test and memory probe). */
  get tilesHeld(): number {
    return this.tiles.held
  }

  /**
   * Draws the visible part of the image for a view, at device-pixel density `ratio`; with
   * `request` false (the loupe) only tiles already held are drawn, none fetched.
   */
  draw(
    ctx: CanvasRenderingContext2D,
    view: ViewTransform,
    screen: { width: number; height: number },
    ratio: number,
    request = true,
  ): void {
    if (!this.levels.length) return
    const want = view.scale * ratio
    // The smallest level that still has at least one bitmap pixel per device pixel.
    let level = this.levels[0]
    for (const candidate of this.levels) if (candidate.scale >= want) level = candidate

    const full = this.levels[0]
    const imageWidth = full.width / full.scale
    const imageHeight = full.height / full.scale
    const x0 = Math.max(0, -view.offsetX / view.scale)
    const y0 = Math.max(0, -view.offsetY / view.scale)
    const x1 = Math.min(imageWidth, (screen.width - view.offsetX) / view.scale)
    const y1 = Math.min(imageHeight, (screen.height - view.offsetY) / view.scale)
    if (x1 <= x0 || y1 <= y0) return

    ctx.imageSmoothingEnabled = want / level.scale < 3
    ctx.imageSmoothingQuality = 'low'
    ctx.drawImage(
      level.bitmap,
      x0 * level.scale,
      y0 * level.scale,
      (x1 - x0) * level.scale,
      (y1 - y0) * level.scale,
      view.offsetX + x0 * view.scale,
      view.offsetY + y0 * view.scale,
      (x1 - x0) * view.scale,
      (y1 - y0) * view.scale,
    )

    // The display bitmap has fewer pixels than the screen shows: the original's on top.
    if (want > full.scale) this.tiles.draw(ctx, view, { x0, y0, x1, y1 }, want, request)
    else if (request) this.tiles.idle()
  }

  private async buildLevels(
    image: CanvasImageSource,
    width: number,
    height: number,
    fullWidth: number,
    generation: number,
    onReady: () => void,
  ): Promise<void> {
    if (typeof createImageBitmap !== 'function') return
    let w = width
    let h = height
    let source: ImageBitmapSource = image as ImageBitmapSource
    while (Math.max(w, h) / 2 >= MIN_LEVEL_SIDE) {
      w = Math.round(w / 2)
      h = Math.round(h / 2)
      try {
        const bitmap = await createImageBitmap(source, {
          resizeWidth: w,
          resizeHeight: h,
          resizeQuality: 'medium',
        })
        if (generation !== this.generation) return bitmap.close()
        this.levels.push({ bitmap, width: w, height: h, scale: w / fullWidth })
        source = bitmap
      } catch {
        return
      }
    }
    onReady()
  }
}
