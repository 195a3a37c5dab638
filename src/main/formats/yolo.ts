import { DEFAULT_ATTRIBUTES, FLIP_INDEX, type Box, type Landmark } from '../../shared/face'
import { clipBox } from '../../shared/geometry'
import type { FaceRecord } from './labelled-image'
import { roundTo } from './labelled-image'
import { FormatError, parseNumbers, splitLines } from './text'
import { fromUltralyticsV, fromYolov5FacePoint, toUltralyticsV } from './visibility'

/**
 * YOLOv5-face (`0 cx cy w h` + 5 × `x y`, docs/formats.md 2.5) and Ultralytics pose
 * (`0 cx cy w h` + 5 × `x y v`, 2.6) label lines, normalised by the image size.
 *
 * Neither format carries WIDER attributes, quality, score or identity. YOLOv5-face cannot
 * mark a point occluded (it becomes visible). Both require boxes inside the image, so boxes
 * are clipped on write, and points the format cannot place are written as missing.
 */
export type YoloFlavour = 'yolo-face' | 'yolo-pose'

/** What writing one image's lines had to change, so the export can say so. */
export interface YoloWriteStats {
  clipped: number
  /** Boxes wholly outside the image (nothing left after clipping); not written. */
  dropped: number
  /** Points written as missing because the format cannot place them. */
  pointsDropped: number
  /** YOLOv5-face only: occluded points written as plain coordinates. */
  occludedAsVisible: number
}

/** 9 decimals keep 1e-4 px at 100,000 px, so a round trip restores 4-decimal coordinates. */
const DECIMALS = 9
/** Pixel values after de-normalising are rounded here, undoing float noise of the division. */
const PIXEL_DECIMALS = 4

/** How far outside [0, 1] rounding can put a normalised value (one written to 3 decimals). */
const NORMALISED_SLACK = 1e-3

const num = (v: number) => String(roundTo(v, DECIMALS))

export function emptyYoloStats(): YoloWriteStats {
  return { clipped: 0, dropped: 0, pointsDropped: 0, occludedAsVisible: 0 }
}

/** The label file text of one image of `width` × `height` upright pixels. */
export function serializeYoloLabels(
  faces: readonly FaceRecord[],
  width: number,
  height: number,
  flavour: YoloFlavour,
  stats: YoloWriteStats = emptyYoloStats(),
): string {
  const lines: string[] = []
  for (const face of faces) {
    const box = clipBox(face.box, width, height)
    if (!(box.width > 0) || !(box.height > 0)) {
      stats.dropped++
      continue
    }
    if (!sameBox(box, face.box)) stats.clipped++

    const values = [
      '0',
      num((box.x + box.width / 2) / width),
      num((box.y + box.height / 2) / height),
      num(box.width / width),
      num(box.height / height),
    ]
    for (let k = 0; k < 5; k++)
      values.push(...pointValues(face.landmarks[k], width, height, flavour, stats))
    lines.push(values.join(' '))
  }
  return lines.map((line) => `${line}\n`).join('')
}

function pointValues(
  p: Landmark | undefined,
  width: number,
  height: number,
  flavour: YoloFlavour,
  stats: YoloWriteStats,
): string[] {
  const missing = flavour === 'yolo-pose' ? ['0', '0', '0'] : ['-1', '-1']
  if (!p || p.visibility === 'absent') return missing

  const x = p.x / width
  const y = p.y / height
  // Ultralytics rejects points outside [0, 1]; YOLOv5-face reads any negative as missing.
  const placeable =
    flavour === 'yolo-pose' ? x >= 0 && x <= 1 && y >= 0 && y <= 1 : x >= 0 && y >= 0
  if (!placeable) {
    stats.pointsDropped++
    return missing
  }
  if (flavour === 'yolo-face') {
    if (p.visibility === 'occluded') stats.occludedAsVisible++
    return [num(x), num(y)]
  }
  return [num(x), num(y), String(toUltralyticsV(p.visibility))]
}

function sameBox(a: Box, b: Box): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height
}

/**
 * Parse one label file into faces in pixels of a `width` × `height` image. Lines with only a
 * box (5 values) are faces without landmarks. `yolo-pose` also accepts kpt_shape [5, 2].
 */
export function parseYoloLabels(
  text: string,
  width: number,
  height: number,
  flavour: YoloFlavour,
): FaceRecord[] {
  const faces: FaceRecord[] = []
  const px = (v: number, size: number) => roundTo(v * size, PIXEL_DECIMALS)

  splitLines(text).forEach((line, i) => {
    if (line.trim() === '') return
    const values = parseNumbers(line, i + 1)
    const n = values?.length
    const perPoint = n === 20 && flavour === 'yolo-pose' ? 3 : 2
    if (!values || (n !== 5 && n !== 15 && !(n === 20 && flavour === 'yolo-pose'))) {
      const expected = flavour === 'yolo-pose' ? '5, 15 or 20' : '5 or 15'
      throw new FormatError(i + 1, `expected ${expected} numbers, found "${line.trim()}"`)
    }

    const [, cx, cy, w, h] = values
    const inImage = (name: string, v: number) => checkNormalised(name, v, i + 1)
    inImage('cx', cx)
    inImage('cy', cy)
    inImage('w', w)
    inImage('h', h)
    const landmarks: Landmark[] = []
    for (let k = 0; n > 5 && k < 5; k++) {
      const [x, y, v] = values.slice(5 + perPoint * k, 5 + perPoint * (k + 1))
      const visibility =
        flavour === 'yolo-face'
          ? fromYolov5FacePoint(x, y)
          : perPoint === 3
            ? fromUltralyticsV(v)
            : x === 0 && y === 0
              ? 'absent'
              : 'visible'
      if (!visibility) throw new FormatError(i + 1, `point ${k} has visibility ${v}, not 0/1/2`)
      // YOLOv5-face writes points past the right or bottom edge as they are; Ultralytics
      // refuses them, so a pose file holding one is not normalised.
      if (flavour === 'yolo-pose' && visibility !== 'absent') {
        inImage(`point ${k} x`, x)
        inImage(`point ${k} y`, y)
      }
      landmarks.push(
        visibility === 'absent'
          ? { x: -1, y: -1, visibility }
          : { x: px(x, width), y: px(y, height), visibility },
      )
    }

    faces.push({
      box: {
        x: px(cx - w / 2, width),
        y: px(cy - h / 2, height),
        width: px(w, width),
        height: px(h, height),
      },
      score: null,
      landmarks: landmarks.some((p) => p.visibility !== 'absent') ? landmarks : [],
      attributes: { ...DEFAULT_ATTRIBUTES },
      quality: null,
    })
  })
  return faces
}

/**
 * Refuse a normalised value outside [0, 1] by more than rounding: such a file is in pixels,
 * or normalised by another size, and de-normalising it would put faces off the image.
 */
function checkNormalised(name: string, value: number, lineNo: number) {
  if (value >= -NORMALISED_SLACK && value <= 1 + NORMALISED_SLACK) return
  throw new FormatError(
    lineNo,
    `${name} is ${value}, outside 0..1; YOLO values are fractions of the image width ` +
      '(x, w) and height (y, h). Is this file in pixels?',
  )
}

/**
 * The Ultralytics dataset YAML. `path` is left out on purpose: Ultralytics then resolves the
 * split folders against the YAML's own folder, so the exported folder can be moved whole.
 */
export function datasetYaml(flavour: YoloFlavour, splits: Record<string, string>): string {
  const lines = ['# facemark export; keypoints image-left first (RetinaFace order)']
  for (const [split, path] of Object.entries(splits)) lines.push(`${split}: ${path}`)
  lines.push('nc: 1', 'names:', '  0: face')
  if (flavour === 'yolo-pose') {
    lines.push('kpt_shape: [5, 3]', `flip_idx: [${FLIP_INDEX.join(', ')}]`)
  }
  return `${lines.join('\n')}\n`
}
