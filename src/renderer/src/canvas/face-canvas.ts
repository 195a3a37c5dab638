import { drawScene, type CanvasFace, type DrawnFace, type Scene } from './render'
import { fitView, type ViewTransform } from './viewport'

/** Events the engine emits; the Vue component binds them to the store and the DOM. */
export interface FaceCanvasEvents {
  /** After every paint: what was drawn, and the transform it was drawn with. */
  drawn: (faces: DrawnFace[], view: ViewTransform) => void
}

type Listener<K extends keyof FaceCanvasEvents> = FaceCanvasEvents[K]

/**
 * The framework-free drawing engine behind a small facade: give it an image and faces, it
 * paints them and says what it drew. It knows nothing of Vue, Pinia or the API, so the next
 * issue can add editing handlers (hit testing, dragging) here without touching components.
 */
export class FaceCanvas {
  private scene: Scene = { image: null, imageSize: null, faces: [] }
  private cssSize = { width: 0, height: 0 }
  private pixelRatio = 1
  private view: ViewTransform = { scale: 1, offsetX: 0, offsetY: 0 }
  private frame: number | null = null
  private readonly listeners: { [K in keyof FaceCanvasEvents]: Set<Listener<K>> } = {
    drawn: new Set(),
  }

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Shows an image; `size` is its upright full size, whatever the bitmap's resolution. */
  setImage(image: CanvasImageSource | null, size: { width: number; height: number } | null): void {
    this.scene = { ...this.scene, image, imageSize: size }
    this.refit()
  }

  setFaces(faces: readonly CanvasFace[]): void {
    this.scene = { ...this.scene, faces }
    this.schedule()
  }

  /** Call when the element's CSS size or the device pixel ratio changes. */
  resize(width: number, height: number, pixelRatio = window.devicePixelRatio || 1): void {
    this.cssSize = { width, height }
    this.pixelRatio = pixelRatio
    this.canvas.width = Math.round(width * pixelRatio)
    this.canvas.height = Math.round(height * pixelRatio)
    this.refit()
  }

  get transform(): ViewTransform {
    return { ...this.view }
  }

  on<K extends keyof FaceCanvasEvents>(event: K, listener: Listener<K>): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame)
    this.frame = null
    this.listeners.drawn.clear()
    this.scene = { image: null, imageSize: null, faces: [] }
  }

  private refit(): void {
    if (this.scene.imageSize) this.view = fitView(this.cssSize, this.scene.imageSize)
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
    const ctx = this.canvas.getContext('2d')
    if (!ctx) return
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height)
    ctx.setTransform(this.pixelRatio, 0, 0, this.pixelRatio, 0, 0)

    const faces = this.scene.imageSize ? drawScene(ctx, this.scene, this.view) : []
    for (const listener of this.listeners.drawn) listener(faces, this.transform)
  }
}
