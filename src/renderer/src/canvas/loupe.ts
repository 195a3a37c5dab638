import type { Point } from '@renderer/editor/types'
import type { ViewTransform } from './viewport'

/** Side of the magnifier inset, CSS pixels, and how much more it magnifies than the view. */
const SIZE = 180
const MAGNIFY = 4
/** However far the view is zoomed out, the loupe shows at least this many screen px per image px. */
const MIN_LOUPE_SCALE = 4

/**
 * A magnified inset in the top-right corner, centred on the point being dragged, with a
 * crosshair: the precise placement of a landmark on a 20 px face without zooming the view.
 * `paint` draws the scene for the loupe's own view, clipped to the inset.
 */
export function drawLoupe(
  ctx: CanvasRenderingContext2D,
  at: Point,
  view: ViewTransform,
  screen: { width: number; height: number },
  paint: (
    ctx: CanvasRenderingContext2D,
    view: ViewTransform,
    bounds: { width: number; height: number },
  ) => void,
): void {
  const left = screen.width - SIZE - 12
  const top = 12
  if (left < 0) return
  const scale = Math.max(view.scale * MAGNIFY, MIN_LOUPE_SCALE)
  const loupeView: ViewTransform = {
    scale,
    offsetX: left + SIZE / 2 - at.x * scale,
    offsetY: top + SIZE / 2 - at.y * scale,
  }

  ctx.save()
  ctx.fillStyle = '#0c0d10'
  ctx.fillRect(left, top, SIZE, SIZE)
  ctx.beginPath()
  ctx.rect(left, top, SIZE, SIZE)
  ctx.clip()
  paint(ctx, loupeView, { width: left + SIZE, height: top + SIZE })
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.6)'
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.moveTo(left + SIZE / 2, top)
  ctx.lineTo(left + SIZE / 2, top + SIZE)
  ctx.moveTo(left, top + SIZE / 2)
  ctx.lineTo(left + SIZE, top + SIZE / 2)
  ctx.stroke()
  ctx.restore()
  ctx.strokeStyle = '#ffffff'
  ctx.strokeRect(left + 0.5, top + 0.5, SIZE - 1, SIZE - 1)
}
