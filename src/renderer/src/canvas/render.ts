import { hasPosition, type Box, type Landmark } from '@shared/face'
import type { FaceSource } from '@shared/records'
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

/**
 * Paints one frame and reports what it drew. Order matters: labels, then landmarks, then
 * boxes, so a box outline is never hidden by a neighbour's label in a crowd.
 */
export function drawScene(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  view: ViewTransform,
): DrawnFace[] {
  if (scene.image && scene.imageSize) {
    // Drawn at the original size: a downscaled display bitmap stretches back exactly.
    const { width, height } = scene.imageSize
    ctx.imageSmoothingQuality = 'high'
    ctx.drawImage(scene.image, view.offsetX, view.offsetY, width * view.scale, height * view.scale)
  }

  const drawn = scene.faces.map((face) => layoutFace(face, view))
  for (const face of drawn) drawLabel(ctx, face)
  for (const face of drawn) drawLandmarks(ctx, face)
  for (const face of drawn) drawBox(ctx, face)
  return drawn
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

function drawBox(ctx: CanvasRenderingContext2D, face: DrawnFace): void {
  ctx.lineWidth = BOX_LINE
  ctx.strokeStyle = face.color
  ctx.strokeRect(face.screen.x, face.screen.y, face.screen.width, face.screen.height)
}

function drawLandmarks(ctx: CanvasRenderingContext2D, face: DrawnFace): void {
  for (const point of face.landmarks) {
    if (!hasPosition(point)) continue
    ctx.beginPath()
    ctx.arc(point.screenX, point.screenY, POINT_RADIUS, 0, Math.PI * 2)
    ctx.lineWidth = 1
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)'
    ctx.stroke()
    // An occluded point is a ring: its position is a guess, not something seen.
    if (point.visibility === 'visible') {
      ctx.fillStyle = point.color
      ctx.fill()
    } else {
      ctx.lineWidth = 2
      ctx.strokeStyle = point.color
      ctx.stroke()
    }
  }
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
