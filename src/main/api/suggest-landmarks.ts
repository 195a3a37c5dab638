import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Box, DetectedFace } from '../../shared/face'
import { boxIou, clipBox } from '../../shared/geometry'
import { openImage } from '../detect/image-input'
import type { DetectorService } from '../jobs/context'

/** Context around the drawn box, per side, as a fraction of its size: RetinaFace needs some. */
const MARGIN = 0.6
/** Crops are scaled so the drawn face spans about this many pixels, where landmarks are best. */
const TARGET_FACE_SIDE = 160
/** Below this overlap with the drawn box a detection is some other face. */
const MIN_IOU = 0.25

/**
 * Assisted landmarks: runs the detector on a crop around a box a person drew and returns the
 * detection that matches it best, in full-image pixels.
 *
 * The crop goes through a temporary upright PNG and the ordinary `detectFile` of the worker
 * pool, so the detector modules need no region path of their own. Small faces are enlarged
 * first: a 20 px face has too few pixels for the model's landmark head.
 */
export async function suggestLandmarks(
  detector: DetectorService,
  file: string,
  imageSize: { width: number; height: number },
  drawn: Box,
): Promise<DetectedFace | null> {
  const side = Math.max(drawn.width, drawn.height, 1)
  const around = clipBox(
    {
      x: drawn.x - side * MARGIN,
      y: drawn.y - side * MARGIN,
      width: drawn.width + 2 * side * MARGIN,
      height: drawn.height + 2 * side * MARGIN,
    },
    imageSize.width,
    imageSize.height,
  )
  const left = Math.floor(around.x)
  const top = Math.floor(around.y)
  const width = Math.min(imageSize.width - left, Math.ceil(around.x + around.width) - left)
  const height = Math.min(imageSize.height - top, Math.ceil(around.y + around.height) - top)
  if (width < 2 || height < 2) return null

  // One scale for both axes, bounded so a huge box does not become a huge tensor.
  const scale = Math.min(Math.max(TARGET_FACE_SIDE / side, 0.25), 8, 2048 / Math.max(width, height))
  const outWidth = Math.max(1, Math.round(width * scale))
  const outHeight = Math.max(1, Math.round(height * scale))
  const sx = outWidth / width
  const sy = outHeight / height

  const dir = await mkdtemp(join(tmpdir(), 'facemark-assist-'))
  try {
    const crop = join(dir, 'crop.png')
    // openImage, not sharp(file): the prebuilt sharp cannot read BMP.
    const image = await openImage(file)
    await image
      .rotate()
      .extract({ left, top, width, height })
      .resize(outWidth, outHeight, { fit: 'fill', kernel: 'cubic' })
      .png({ compressionLevel: 1 })
      .toFile(crop)

    const { faces } = await detector.detectFile(crop, { mode: 'native', scoreThreshold: 0.1 })
    const mapped = faces.map((face) => mapBack(face, left, top, sx, sy))
    return bestMatch(mapped, drawn)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function mapBack(face: DetectedFace, left: number, top: number, sx: number, sy: number) {
  return {
    score: face.score,
    box: {
      x: left + face.box.x / sx,
      y: top + face.box.y / sy,
      width: face.box.width / sx,
      height: face.box.height / sy,
    },
    landmarks: face.landmarks.map((p) => ({ ...p, x: left + p.x / sx, y: top + p.y / sy })),
  }
}

/** The detection overlapping the drawn box most, scores breaking near-ties. */
export function bestMatch(faces: DetectedFace[], drawn: Box): DetectedFace | null {
  let best: DetectedFace | null = null
  let bestValue = 0
  for (const face of faces) {
    const iou = boxIou(face.box, drawn)
    if (iou < MIN_IOU) continue
    const value = iou + 0.1 * face.score
    if (value > bestValue) {
      best = face
      bestValue = value
    }
  }
  return best
}
