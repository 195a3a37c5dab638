import { z } from 'zod'

import {
  DEFAULT_ATTRIBUTES,
  LANDMARK_NAMES,
  type Landmark,
  type WiderAttributes,
} from '../../shared/face'
import { checkShape, parseJsonText } from './json'
import type { FaceRecord, LabelledImage } from './labelled-image'
import { landmarkIndex, roundTo } from './labelled-image'
import { finiteNumber } from './numbers'

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

const WHAT = 'a labelme JSON file ("shapes" and "imagePath", one file per image)'
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

const point = z.tuple([finiteNumber, finiteNumber], {
  error: 'expected a point [x, y] of two numbers',
})

/** How many points each face-relevant shape type needs; the others are skipped. */
const MIN_POINTS: Record<string, { count: number; what: string }> = {
  rectangle: { count: 2, what: 'two opposite corners [[x1, y1], [x2, y2]]' },
  point: { count: 1, what: 'one point [[x, y]]' },
}

const shapeSchema = z
  .object({
    label: z.string({ error: 'expected the shape label, a string' }),
    points: z.array(point, { error: 'expected a list of [x, y] points' }),
    group_id: z.number().int().nullable().optional(),
    shape_type: z.string().optional(),
    // Any object: z.record would check every key, a fifth of the time of a labelme import.
    flags: z.looseObject({}).nullable().optional(),
    score: finiteNumber.nullable().optional(),
    attributes: z.looseObject({}).nullable().optional(),
  })
  .superRefine((shape, ctx) => {
    const need = MIN_POINTS[shape.shape_type ?? 'polygon']
    if (!need || shape.points.length >= need.count) return
    const n = shape.points.length
    ctx.addIssue({
      code: 'custom',
      path: ['points'],
      message: `a ${shape.shape_type} needs ${need.what}, found ${n} point${n === 1 ? '' : 's'}`,
    })
  })

const labelmeSchema = z.object({
  shapes: z.array(shapeSchema, { error: 'expected the list of shapes' }),
  imagePath: z
    .string({ error: 'expected the image path, a string' })
    .min(1, 'expected the image path, found an empty string'),
  imageWidth: finiteNumber.nullable().optional(),
  imageHeight: finiteNumber.nullable().optional(),
})

type ParsedShape = z.infer<typeof shapeSchema>

/**
 * Parse one labelme JSON. Problems (shapes that are not part of a face) are returned with
 * the shape index; a file that is not labelme JSON, or a face shape without its points,
 * throws with the shape index and field.
 */
export function parseLabelme(text: string): { image: LabelledImage; problems: string[] } {
  const file = checkShape(labelmeSchema, parseJsonText(text, WHAT), WHAT)
  const problems: string[] = []
  const faces = new Map<number | string, FaceRecord>()
  const points: { shape: ParsedShape; index: number }[] = []

  file.shapes.forEach((shape, index) => {
    const type = shape.shape_type ?? 'polygon'
    if (type === 'point') points.push({ shape, index })
    else if (type === 'rectangle') faces.set(shape.group_id ?? `shape${index}`, faceOf(shape))
    else problems.push(`shapes[${index}]: ${type} "${shape.label}" is not part of a face; skipped`)
  })

  for (const { shape, index } of points) {
    const k = landmarkIndex(shape.label)
    const face = shape.group_id == null ? undefined : faces.get(shape.group_id)
    if (k === undefined || !face) {
      problems.push(`shapes[${index}]: point "${shape.label}" belongs to no face; skipped`)
      continue
    }
    const [x, y] = shape.points[0]
    if (face.landmarks.length === 0) face.landmarks = Array.from({ length: 5 }, absent)
    face.landmarks[k] = { x, y, visibility: shape.flags?.occluded ? 'occluded' : 'visible' }
  }

  return {
    image: {
      path: file.imagePath,
      width: file.imageWidth || null,
      height: file.imageHeight || null,
      faces: [...faces.values()],
    },
    problems,
  }
}

function absent(): Landmark {
  return { x: -1, y: -1, visibility: 'absent' }
}

function faceOf(shape: ParsedShape): FaceRecord {
  // Rectangles may be drawn from any corner; X-AnyLabeling writes all four.
  const xs = shape.points.map(([x]) => x)
  const ys = shape.points.map(([, y]) => y)
  const [x1, x2, y1, y2] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  const attrs = shape.attributes ?? {}
  const attributes: WiderAttributes = { ...DEFAULT_ATTRIBUTES, invalid: attrs.invalid === true }
  for (const key of ATTRIBUTE_KEYS) {
    const v = Number(attrs[key] ?? 0)
    if (Number.isInteger(v) && v >= 0 && v <= ATTRIBUTE_MAX[key]) (attributes[key] as number) = v
  }
  return {
    box: {
      x: x1,
      y: y1,
      // x2 - x1 brings back the width up to float noise, which 9 decimals remove.
      width: roundTo(x2 - x1, 9),
      height: roundTo(y2 - y1, 9),
    },
    score: typeof shape.score === 'number' ? shape.score : null,
    landmarks: [],
    attributes,
    quality: Number.isFinite(attrs.quality) ? (attrs.quality as number) : null,
    identity: typeof attrs.identity === 'string' ? attrs.identity : null,
  }
}
