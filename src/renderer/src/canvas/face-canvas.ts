import type { Box, Landmark } from '@shared/face'
import type { Hit, Point, Preview } from '@renderer/editor/types'
import { drawComparison, type Comparison } from './comparison'
import { facesInside, hitTest } from './hit-test'
import { ImageLayer } from './image-layer'
import { drawLoupe } from './loupe'
import type { TileSource } from './tile-layer'
import {
  drawFaces,
  drawOverlay,
  layoutFaces,
  previewFaces,
  type CanvasFace,
  type DrawnFace,
  type Overlay,
} from './render'
import { fitView, focusView, panBy, toImage, zoomAt, type ViewTransform } from './viewport'

/** Events the engine emits; the Vue component binds them to the store and the DOM. */
export interface FaceCanvasEvents {
  /** After a paint whose faces changed: what was drawn, and the transform it was drawn with. */
  drawn: (faces: DrawnFace[], view: ViewTransform) => void
  /** After a paint with a new view (zoom, pan, resize). */
  view: (view: ViewTransform) => void
}

type Listener<K extends keyof FaceCanvasEvents> = FaceCanvasEvents[K]

/** Paint durations kept for benchmarks and the frame-time readout. */
const PAINT_HISTORY = 600

/**
 * The framework-free drawing engine behind a small facade: give it an image, faces and the
 * editing overlay; it paints them, owns the view (zoom, pan, fit, 1:1, zoom to face), answers
 * hit tests, and says what it drew. It knows nothing of Vue, Pinia or the API.
 */
export class FaceCanvas {
  private faces: readonly CanvasFace[] = []
  private imageSize: { width: number; height: number } | null = null
  private overlay: Overlay = {
    selected: new Set(),
    activeLandmark: null,
    preview: null,
    suggestion: null,
    warned: new Set(),
  }
  private readonly image = new ImageLayer()
  private cssSize = { width: 0, height: 0 }
  private pixelRatio = 1
  private view: ViewTransform = { scale: 1, offsetX: 0, offsetY: 0 }
  /** True until the user zooms or pans: a resize then refits the image. */
  private fitted = true
  private loupe: Point | null = null
  private comparison: Comparison = { faces: [], focusId: null }
  private frame: number | null = null
  private facesDirty = true
  private lastView: ViewTransform | null = null
  /** Milliseconds of the most recent paints, newest last. */
  readonly paintTimes: number[] = []
  private readonly listeners: { [K in keyof FaceCanvasEvents]: Set<Listener<K>> } = {
    drawn: new Set(),
    view: new Set(),
  }

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /**
   * Shows an image; `size` is its upright full size, whatever the bitmap's resolution.
   * `tiles` fetches full-resolution regions, drawn once the zoom outgrows a downscaled bitmap.
   */
  setImage(
    image: CanvasImageSource | null,
    size: { width: number; height: number } | null,
    tiles: TileSource | null = null,
  ): void {
    this.imageSize = size
    this.image.set(image, size, () => this.schedule(), tiles)
    this.fitted = true
    this.facesDirty = true
    this.refit()
  }

  setFaces(faces: readonly CanvasFace[]): void {
    this.faces = faces
    this.facesDirty = true
    this.schedule()
  }

  /** Selection, gesture preview, suggestion and warnings; missing fields keep their value. */
  setOverlay(overlay: Partial<Overlay>): void {
    this.overlay = { ...this.overlay, ...overlay }
    this.schedule()
  }

  /** Another label set's faces (review: ground truth vs predictions), drawn in their own style. */
  setComparison(comparison: Comparison): void {
    this.comparison = comparison
    this.schedule()
  }

  /** Shows a magnified inset around an image point (while dragging), or hides it. */
  setLoupe(at: Point | null): void {
    this.loupe = at
    this.schedule()
  }

  /** Call when the element's CSS size or the device pixel ratio changes. */
  resize(width: number, height: number, pixelRatio = window.devicePixelRatio || 1): void {
    this.cssSize = { width, height }
    this.pixelRatio = pixelRatio
    this.canvas.width = Math.round(width * pixelRatio)
    this.canvas.height = Math.round(height * pixelRatio)
    if (this.fitted) this.refit()
    else this.schedule()
  }

  /** Full-resolution tiles held now; bounded however far the annotator roams. */
  get tilesHeld(): number {
    return this.image.tilesHeld
  }

  get transform(): ViewTransform {
    return { ...this.view }
  }

  /** Canvas CSS pixels to image pixels, unrounded. */
  toImage(screen: Point): Point {
    return toImage(this.view, screen.x, screen.y)
  }

  hitTest(screen: Point): Hit {
    return hitTest(this.faces, this.overlay.selected, this.view, screen)
  }

  facesIn(area: Box): number[] {
    return facesInside(this.faces, area)
  }

  /** Fits the whole image in the canvas. */
  fit(): void {
    this.fitted = true
    this.refit()
  }

  /** One image pixel per CSS pixel, about `at` (default: the canvas centre). */
  oneToOne(at?: Point): void {
    this.zoomBy(1 / this.view.scale, at)
  }

  /** Zooms by a factor about a screen point (the pointer stays over the same image pixel). */
  zoomBy(factor: number, at: Point = this.centre()): void {
    this.setView(zoomAt(this.view, factor, at))
  }

  panBy(dx: number, dy: number): void {
    this.setView(panBy(this.view, dx, dy))
  }

  /** Centres a box and zooms until it fills a good part of the canvas (tiny faces). */
  focus(box: Box): void {
    this.setView(focusView(this.cssSize, box))
  }

  /** Pans just enough to bring a box into view, keeping the zoom. */
  reveal(box: Box): void {
    const s = {
      x: this.view.offsetX + box.x * this.view.scale,
      y: this.view.offsetY + box.y * this.view.scale,
    }
    const w = box.width * this.view.scale
    const h = box.height * this.view.scale
    const margin = 40
    let dx = 0
    let dy = 0
    if (s.x < margin) dx = margin - s.x
    else if (s.x + w > this.cssSize.width - margin) dx = this.cssSize.width - margin - s.x - w
    if (s.y < margin) dy = margin - s.y
    else if (s.y + h > this.cssSize.height - margin) dy = this.cssSize.height - margin - s.y - h
    if (dx || dy) this.panBy(dx, dy)
  }

  on<K extends keyof FaceCanvasEvents>(event: K, listener: Listener<K>): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame)
    this.frame = null
    this.listeners.drawn.clear()
    this.listeners.view.clear()
    this.image.set(null, null, () => undefined)
    this.faces = []
  }

  private centre(): Point {
    return { x: this.cssSize.width / 2, y: this.cssSize.height / 2 }
  }

  private setView(view: ViewTransform): void {
    this.view = view
    this.fitted = false
    this.schedule()
  }

  private refit(): void {
    if (this.imageSize) this.view = fitView(this.cssSize, this.imageSize)
    this.schedule()
  }

  /** Coalesces changes into one paint per animation frame. */
  private schedule(): void {
    if (this.frame !== null) return
    this.frame = requestAnimationFrame(() => {
      this.frame = null
      this.paint()
    })
  }

  private paint(): void {
    const started = performance.now()
    const ctx = this.canvas.getContext('2d')
    if (!ctx) return
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height)
    ctx.setTransform(this.pixelRatio, 0, 0, this.pixelRatio, 0, 0)

    let drawn: DrawnFace[] = []
    if (this.imageSize) {
      this.image.draw(ctx, this.view, this.cssSize, this.pixelRatio)
      const shown = previewFaces(this.faces, this.overlay.preview)
      drawn = layoutFaces(shown, this.view)
      drawFaces(ctx, drawn, this.overlay, this.cssSize)
      drawOverlay(ctx, this.overlay, this.view)
      drawComparison(ctx, this.comparison, this.view)
      if (this.loupe) {
        drawLoupe(ctx, this.loupe, this.view, this.cssSize, (c, v, bounds) => {
          this.image.draw(c, v, bounds, this.pixelRatio, false)
          drawFaces(c, layoutFaces(shown, v), this.overlay, bounds)
        })
      }
    }
    this.recordPaint(performance.now() - started)

    if (this.facesDirty) {
      this.facesDirty = false
      for (const listener of this.listeners.drawn) listener(drawn, this.transform)
    }
    const view = this.lastView
    if (
      !view ||
      view.scale !== this.view.scale ||
      view.offsetX !== this.view.offsetX ||
      view.offsetY !== this.view.offsetY
    ) {
      this.lastView = this.transform
      for (const listener of this.listeners.view) listener(this.transform)
    }
  }

  private recordPaint(ms: number): void {
    this.paintTimes.push(ms)
    if (this.paintTimes.length > PAINT_HISTORY)
      this.paintTimes.splice(0, this.paintTimes.length - PAINT_HISTORY)
  }
}

export type { Preview, Landmark }
