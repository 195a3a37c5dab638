import type { Box } from '@shared/face'
import { toScreen, type ViewTransform } from './viewport'

/** A face of one of the two compared label sets, drawn over the editor's own faces. */
export interface ComparisonFace {
  id: number
  box: Box
  /** Ground truth is drawn dashed gold, predictions dotted magenta: apart from every box colour. */
  side: 'gt' | 'pred'
}

/** The faces of a review comparison on the shown image, and the one case in focus. */
export interface Comparison {
  faces: readonly ComparisonFace[]
  focusId: number | null
}

const STYLE = {
  gt: { color: '#ffd60a', dash: [6, 4] },
  pred: { color: '#ff2bd6', dash: [2, 3] },
} as const
const FOCUS_MARGIN = 6

/**
 * Paints the comparison: ground truth and predictions each in their own dash and colour, so
 * they read apart from the editable faces (solid) and from each other, and a bracket around
 * the face of the case being reviewed.
 */
export function drawComparison(
  ctx: CanvasRenderingContext2D,
  comparison: Comparison,
  view: ViewTransform,
): void {
  if (comparison.faces.length === 0) return
  ctx.save()
  ctx.lineWidth = 1.5
  for (const side of ['gt', 'pred'] as const) {
    ctx.strokeStyle = STYLE[side].color
    ctx.setLineDash(STYLE[side].dash)
    ctx.beginPath()
    for (const face of comparison.faces) {
      if (face.side !== side) continue
      const at = toScreen(view, face.box.x, face.box.y)
      ctx.rect(at.x, at.y, face.box.width * view.scale, face.box.height * view.scale)
    }
    ctx.stroke()
  }

  const focus = comparison.faces.find((f) => f.id === comparison.focusId)
  if (focus) {
    const at = toScreen(view, focus.box.x, focus.box.y)
    ctx.setLineDash([])
    ctx.lineWidth = 2
    ctx.strokeStyle = STYLE[focus.side].color
    ctx.strokeRect(
      at.x - FOCUS_MARGIN,
      at.y - FOCUS_MARGIN,
      focus.box.width * view.scale + 2 * FOCUS_MARGIN,
      focus.box.height * view.scale + 2 * FOCUS_MARGIN,
    )
  }
  ctx.restore()
}

/** A review case opened in the editor: the image, the face to zoom on, both sets' faces. */
export interface ReviewFocus {
  imageId: number
  faceId: number
  box: Box
  faces: ComparisonFace[]
}
