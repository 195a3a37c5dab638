import {
  DEFAULT_ATTRIBUTES,
  LANDMARK_NAMES,
  type Landmark,
  type WiderAttributes,
} from '../../shared/face'
import type { FaceRecord, LabelledImage } from './labelled-image'
import { landmarkIndex, roundTo } from './labelled-image'

/**
 * labelme / X-AnyLabeling JSON (docs/formats.md 2.7): one file per image, a face is a
 * `rectangle` plus up to five `point` shapes sharing a `group_id` (wkentaro/labelme#904).
 *
 * Occluded points carry the shape flag `occluded: true`; missing points are left out. WIDER
 * attributes, quality and identity use X-AnyLabeling's per-shape `attributes`, the detector
 * score its `score`; plain labelme ignores both and keeps the geometry.
 */
export interface LabelmeShape {
  label: string
  points: number[][]
  group_id: number | null
  shape_type?: string
  flags?: Record<string, boolean>
  description?: string
  score?: number | null
  attributes?: Record<string, unknown>
}

export interface LabelmeFile {
  version: string
  flags: Record<string, boolean>
  shapes: LabelmeShape[]
  imagePath: string
  imageData: string | null
  imageHeight: number
  imageWidth: number
}

const ATTRIBUTE_KEYS = ['blur', 'expression', 'illumination', 'occlusion', 'pose'] as const
const ATTRIBUTE_MAX = { blur: 2, expression: 1, illumination: 1, occlusion: 2, pose: 1 }

/** The JSON of one image; `image.path` becomes `imagePath` as given. */
export function serializeLabelme(image: LabelledImage): string {
  const shapes: LabelmeShape[] = []
  image.faces.forEach((face, i) => {
    const group = i + 1
    const { x, y, width, height } = face.box
    const attributes: Record<string, unknown> = { ...face.attributes }
    if (face.quality !== null) attributes.quality = face.quality
    if (face.identity) attributes.identity = face.identity
    shapes.push({
      ...shapeBase('face', group),
      shape_type: 'rectangle',
      points: [
        [x, y],
        [x + width, y + height],
      ],
      score: face.score,
      attributes,
    })

    face.landmarks.forEach((p, k) => {
      if (p.visibility === 'absent') return
      shapes.push({
        ...shapeBase(LANDMARK_NAMES[k], group),
        shape_type: 'point',
        points: [[p.x, p.y]],
        flags: { occluded: p.visibility === 'occluded' },
      })
    })
  })

  const file: LabelmeFile = {
    version: '5.5.0',
    flags: {},
    shapes,
    imagePath: image.path,
    imageData: null,
    imageHeight: image.height ?? 0,
    imageWidth: image.width ?? 0,
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

function shapeBase(label: string, group: number) {
  return { label, group_id: group, flags: {}, description: '' }
}

/**
 * Parse one labelme JSON. Problems (shapes that are not part of a face) are returned with
 * the shape index; a file that is not labelme JSON throws.
 */
export function parseLabelme(text: string): { image: LabelledImage; problems: string[] } {
  const file = JSON.parse(text) as Partial<LabelmeFile>
  if (!Array.isArray(file.shapes) || typeof file.imagePath !== 'string') {
    throw new Error('not a labelme file: "shapes" and "imagePath" are required')
  }
  const problems: string[] = []
  const faces = new Map<number | string, FaceRecord>()
  const points: { shape: LabelmeShape; index: number }[] = []

  file.shapes.forEach((shape, index) => {
    const type = shape.shape_type ?? 'polygon'
    if (type === 'point') points.push({ shape, index })
    else if (type === 'rectangle') faces.set(shape.group_id ?? `shape${index}`, faceOf(shape))
    else problems.push(`shapes[${index}]: ${type} "${shape.label}" is not part of a face; skipped`)
  })

  for (const { shape, index } of points) {
    const k = landmarkIndex(shape.label)
    const face = shape.group_id === null ? undefined : faces.get(shape.group_id)
    const [x, y] = shape.points?.[0] ?? []
    if (k === undefined || !face || !Number.isFinite(x) || !Number.isFinite(y)) {
      problems.push(`shapes[${index}]: point "${shape.label}" belongs to no face; skipped`)
      continue
    }
    if (face.landmarks.length === 0) face.landmarks = Array.from({ length: 5 }, absent)
    face.landmarks[k] = { x, y, visibility: shape.flags?.occluded ? 'occluded' : 'visible' }
  }

  return {
    image: {
      path: file.imagePath,
      width: Number(file.imageWidth) || null,
      height: Number(file.imageHeight) || null,
      faces: [...faces.values()],
    },
    problems,
  }
}

function absent(): Landmark {
  return { x: -1, y: -1, visibility: 'absent' }
}

function faceOf(shape: LabelmeShape): FaceRecord {
  // Rectangles may be drawn from any corner.
  const [[x1, y1], [x2, y2]] = shape.points
  const attrs = shape.attributes ?? {}
  const attributes: WiderAttributes = { ...DEFAULT_ATTRIBUTES, invalid: attrs.invalid === true }
  for (const key of ATTRIBUTE_KEYS) {
    const v = Number(attrs[key] ?? 0)
    if (Number.isInteger(v) && v >= 0 && v <= ATTRIBUTE_MAX[key]) (attributes[key] as number) = v
  }
  return {
    box: {
      x: Math.min(x1, x2),
      y: Math.min(y1, y2),
      // x2 - x1 brings back the width up to float noise, which 9 decimals remove.
      width: roundTo(Math.abs(x2 - x1), 9),
      height: roundTo(Math.abs(y2 - y1), 9),
    },
    score: typeof shape.score === 'number' ? shape.score : null,
    landmarks: [],
    attributes,
    quality: typeof attrs.quality === 'number' ? attrs.quality : null,
    identity: typeof attrs.identity === 'string' ? attrs.identity : null,
  }
}
