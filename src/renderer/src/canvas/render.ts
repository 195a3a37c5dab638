import type { Box, Landmark } from '@shared/face'
import type { FaceSource } from '@shared/records'
import { HANDLES, handlePoint } from '@renderer/editor/geometry'
import type { Preview } from '@renderer/editor/types'
import { BOX_COLORS, landmarkColor } from './palette'
import { toImage, toScreen, type ViewTransform } from './viewport'

/** What the engine needs of a face; StoredFace satisfies it. */
export interface CanvasFace {
  id: number
  box: Box
  score: number | null
  landmarks: Landmark[]
  source: FaceSource
}

/**
 * What was actually drawn for one face. The image-pixel fields are computed back from the
 * screen geometry handed to the canvas, so a test comparing them with the stored face checks
 * the drawing path, not just the data that went in.
 */
export interface DrawnFace {
  id: number
  box: Box
  screen: Box
  score: number | null
  color: string
  landmarks: {
    x: number
    y: number
    screenX: number
    screenY: number
    color: string
    visibility: Landmark['visibility']
  }[]
}

/** Editing overlays: what is selected, previewed, suggested or suspicious. */
export interface Overlay {
  selected: ReadonlySet<number>
  activeLandmark: number | null
  preview: Preview | null
  /** Assisted landmarks offered for a face, drawn dashed until accepted. */
  suggestion: { faceId: number; landmarks: Landmark[] } | null
  warned: ReadonlySet<number>
}

/** Everything one paint needs; the engine swaps parts of it as the store changes. */
export interface Scene {
  image: CanvasImageSource | null
  /** Upright full size of the image: the space face coordinates live in. */
  imageSize: { width: number; height: number } | null
  faces: readonly CanvasFace[]
}

const BOX_LINE = 2
const POINT_RADIUS = 3
/** Scores are labelled only on faces tall enough on screen for the text to stay readable. */
const MIN_LABEL_HEIGHT = 14
/** Below this screen width a face's points are drawn as plain squares, a lot cheaper. */
const SMALL_FACE_PX = 14
const SELECTED_COLOR = '#ffffff'
const WARNING_COLOR = '#ff9500'
const HANDLE_SIZE = 6

/** Lays out every face for a view: screen geometry plus the image values it maps back to. */
export function layoutFaces(faces: readonly CanvasFace[], view: ViewTransform): DrawnFace[] {
  return faces.map((face) => layoutFace(face, view))
}

function layoutFace(face: CanvasFace, view: ViewTransform): DrawnFace {
  const topLeft = toScreen(view, face.box.x, face.box.y)
  const screen = {
    x: topLeft.x,
    y: topLeft.y,
    width: face.box.width * view.scale,
    height: face.box.height * view.scale,
  }
  const back = toImage(view, screen.x, screen.y)
  const landmarks = face.landmarks.map((point, index) => {
    const at = toScreen(view, point.x, point.y)
    const image = toImage(view, at.x, at.y)
    return {
      ...image,
      screenX: at.x,
      screenY: at.y,
      color: landmarkColor(index),
      visibility: point.visibility,
    }
  })
  return {
    id: face.id,
    box: {
      x: back.x,
      y: back.y,
      width: screen.width / view.scale,
      height: screen.height / view.scale,
    },
    screen,
    score: face.score,
    color: BOX_COLORS[face.source],
    landmarks,
  }
}

/**
 * Paints faces batched by colour: one path per box colour and per landmark colour, so a
 * crowd of 1,000 faces costs a dozen strokes rather than thousands. Faces entirely off
 * screen are skipped. Order: labels, landmarks, boxes, so no box edge hides under a label.
 */
export function drawFaces(
  ctx: CanvasRenderingContext2D,
  drawn: readonly DrawnFace[],
  overlay: Overlay,
  screen: { width: number; height: number },
): void {
  const visible = drawn.filter(
    (f) =>
      f.screen.x + f.screen.width >= -20 &&
      f.screen.y + f.screen.height >= -20 &&
      f.screen.x <= screen.width + 20 &&
      f.screen.y <= screen.height + 20,
  )

  // Few enough labels to read; in a zoomed-out crowd they would only be noise.
  if (visible.length <= 400) for (const face of visible) drawLabel(ctx, face)
  drawLandmarks(ctx, visible)
  drawBoxes(ctx, visible, overlay)
}

function drawBoxes(ctx: CanvasRenderingContext2D, faces: DrawnFace[], overlay: Overlay): void {
  const paths = new Map<string, Path2D>()
  for (const face of faces) {
    let path = paths.get(face.color)
    if (!path) paths.set(face.color, (path = new Path2D()))
    path.rect(face.screen.x, face.screen.y, face.screen.width, face.screen.height)
  }
  ctx.lineWidth = BOX_LINE
  for (const [color, path] of paths) {
    ctx.strokeStyle = color
    ctx.stroke(path)
  }

  // Warnings and selection on top, so they read even in a dense crowd.
  const warned = faces.filter((f) => overlay.warned.has(f.id))
  if (warned.length) {
    const path = new Path2D()
    for (const f of warned)
      path.rect(f.screen.x - 3, f.screen.y - 3, f.screen.width + 6, f.screen.height + 6)
    ctx.setLineDash([4, 3])
    ctx.lineWidth = 1.5
    ctx.strokeStyle = WARNING_COLOR
    ctx.stroke(path)
    ctx.setLineDash([])
  }
  for (const face of faces) if (overlay.selected.has(face.id)) drawSelection(ctx, face)

  // The landmark that keys act on (1-5, V, Alt+arrows) wears a white ring.
  const active = overlay.activeLandmark
  const only = overlay.selected.size === 1 ? faces.find((f) => overlay.selected.has(f.id)) : null
  const point = active !== null ? only?.landmarks[active] : undefined
  if (point && point.visibility !== 'absent') {
    ctx.lineWidth = 1.5
    ctx.strokeStyle = SELECTED_COLOR
    ctx.beginPath()
    ctx.arc(point.screenX, point.screenY, POINT_RADIUS + 4, 0, Math.PI * 2)
    ctx.stroke()
  }
}

function drawSelection(ctx: CanvasRenderingContext2D, face: DrawnFace): void {
  const { x, y, width, height } = face.screen
  ctx.lineWidth = 1
  ctx.strokeStyle = SELECTED_COLOR
  ctx.strokeRect(x - 1.5, y - 1.5, width + 3, height + 3)
  if (Math.min(width, height) < 21) return
  ctx.fillStyle = SELECTED_COLOR
  ctx.strokeStyle = '#000000'
  for (const handle of HANDLES) {
    const p = handlePoint(face.screen, handle)
    ctx.fillRect(p.x - HANDLE_SIZE / 2, p.y - HANDLE_SIZE / 2, HANDLE_SIZE, HANDLE_SIZE)
    ctx.strokeRect(p.x - HANDLE_SIZE / 2, p.y - HANDLE_SIZE / 2, HANDLE_SIZE, HANDLE_SIZE)
  }
}

function drawLandmarks(ctx: CanvasRenderingContext2D, faces: DrawnFace[]): void {
  // index → [filled (visible), ring (occluded)] paths
  const filled = new Map<string, Path2D>()
  const rings = new Map<string, Path2D>()
  const outline = new Path2D()
  const squares = new Map<string, Path2D>()

  for (const face of faces) {
    const small = face.screen.width < SMALL_FACE_PX
    for (const p of face.landmarks) {
      if (p.visibility === 'absent') continue
      if (small) {
        pathFor(squares, p.color).rect(p.screenX - 1, p.screenY - 1, 2, 2)
        continue
      }
      const target = pathFor(p.visibility === 'visible' ? filled : rings, p.color)
      target.moveTo(p.screenX + POINT_RADIUS, p.screenY)
      target.arc(p.screenX, p.screenY, POINT_RADIUS, 0, Math.PI * 2)
      outline.moveTo(p.screenX + POINT_RADIUS + 1, p.screenY)
      outline.arc(p.screenX, p.screenY, POINT_RADIUS + 1, 0, Math.PI * 2)
    }
  }

  ctx.lineWidth = 1
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)'
  ctx.stroke(outline)
  for (const [color, path] of filled) {
    ctx.fillStyle = color
    ctx.fill(path)
  }
  // An occluded point is a ring: its position is a guess, not something seen.
  ctx.lineWidth = 2
  for (const [color, path] of rings) {
    ctx.strokeStyle = color
    ctx.stroke(path)
  }
  for (const [color, path] of squares) {
    ctx.fillStyle = color
    ctx.fill(path)
  }
}

function pathFor(paths: Map<string, Path2D>, color: string): Path2D {
  let path = paths.get(color)
  if (!path) paths.set(color, (path = new Path2D()))
  return path
}

function drawLabel(ctx: CanvasRenderingContext2D, face: DrawnFace): void {
  if (face.score === null || face.screen.height < MIN_LABEL_HEIGHT) return
  const text = face.score.toFixed(2)
  ctx.font = '11px system-ui, sans-serif'
  const width = ctx.measureText(text).width + 6
  const x = face.screen.x - BOX_LINE / 2
  const y = face.screen.y - BOX_LINE / 2 - 14
  ctx.fillStyle = 'rgba(0, 0, 0, 0.65)'
  ctx.fillRect(x, y, width, 14)
  ctx.fillStyle = face.color
  ctx.textBaseline = 'middle'
  ctx.fillText(text, x + 3, y + 7.5)
}

/**
 * The gesture in progress on top of everything: a draft box, a selection area, or the face
 * being dragged; and the landmarks the detector suggests, dashed.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, overlay: Overlay, view: ViewTransform) {
  const preview = overlay.preview
  if (preview?.kind === 'draft' || preview?.kind === 'area') {
    const s = toScreen(view, preview.box.x, preview.box.y)
    ctx.setLineDash(preview.kind === 'area' ? [5, 4] : [])
    ctx.lineWidth = preview.kind === 'area' ? 1 : BOX_LINE
    ctx.strokeStyle = preview.kind === 'area' ? SELECTED_COLOR : BOX_COLORS.human
    ctx.strokeRect(s.x, s.y, preview.box.width * view.scale, preview.box.height * view.scale)
    ctx.setLineDash([])
  }

  const suggestion = overlay.suggestion
  if (suggestion) {
    ctx.setLineDash([2, 2])
    ctx.lineWidth = 2
    suggestion.landmarks.forEach((p, i) => {
      const s = toScreen(view, p.x, p.y)
      ctx.beginPath()
      ctx.arc(s.x, s.y, POINT_RADIUS + 2, 0, Math.PI * 2)
      ctx.strokeStyle = landmarkColor(i)
      ctx.stroke()
    })
    ctx.setLineDash([])
  }
}

/** The faces with the one or several being dragged drawn as they would be stored. */
export function previewFaces(faces: readonly CanvasFace[], preview: Preview | null) {
  if (preview?.kind !== 'face' && preview?.kind !== 'faces') return faces
  const moved = new Map(
    (preview.kind === 'face' ? [preview] : preview.faces).map((g) => [g.faceId, g]),
  )
  return faces.map((face) => {
    const g = moved.get(face.id)
    return g ? { ...face, box: g.box, landmarks: g.landmarks } : face
  })
}
