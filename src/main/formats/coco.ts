import { z } from 'zod'

import {
  DEFAULT_ATTRIBUTES,
  LANDMARK_NAMES,
  type Landmark,
  type WiderAttributes,
} from '../../shared/face'
import { boxArea } from '../../shared/geometry'
import { checkShape, JsonShapeError, parseJsonText } from './json'
import type { FaceRecord, LabelledImage } from './labelled-image'
import { landmarkIndex } from './labelled-image'
import { finiteNumber } from './numbers'
import type { ParseProblem } from './text'
import { fromCocoV, toCocoV } from './visibility'

/**
 * COCO keypoints JSON for faces (docs/formats.md 2.4). Keypoint names are written as
 * LANDMARK_NAMES, where "left" means image-left (RetinaFace order), and read by name.
 *
 * What COCO has no field for travels in each annotation's `attributes` (CVAT's convention):
 * the WIDER attributes, `quality` and `identity`. `invalid` faces are also written with
 * `iscrowd: 1`, COCO's ignore region; a detector `score` goes into `score` as in COCO results.
 */
export interface CocoFile {
  images: { id: number; file_name: string; width: number; height: number }[]
  annotations: CocoAnnotation[]
  categories: {
    id: number
    name: string
    supercategory?: string
    keypoints?: string[]
    skeleton?: number[][]
  }[]
  [key: string]: unknown
}

interface CocoAnnotation {
  id: number
  image_id: number
  category_id: number
  bbox: number[]
  area?: number
  iscrowd?: number
  keypoints?: number[]
  num_keypoints?: number
  score?: number
  track_id?: number | string
  attributes?: Record<string, unknown>
}

/** A COCO problem points at a JSON location instead of a line, e.g. `annotations[12]`. */
export interface CocoParse {
  images: LabelledImage[]
  /** `info.images_dir`: the folder `file_name` is relative to, as the export recorded it. */
  imagesDir: string | null
  problems: (ParseProblem & { where: string })[]
}

const ATTRIBUTE_MAX = { blur: 2, expression: 1, illumination: 1, occlusion: 2, pose: 1 } as const

export interface CocoWriteOptions {
  /**
   * The folder `file_name` is relative to, recorded as `info.images_dir` (absolute, or
   * relative to the JSON's folder) so that an import without an images folder finds them.
   */
  imagesDir?: string
}

/** Serialise images with faces; `file_name` is each image's `path` as given. */
export function serializeCoco(
  images: readonly LabelledImage[],
  options: CocoWriteOptions = {},
): string {
  const annotations: CocoAnnotation[] = []
  const cocoImages = images.map((image, i) => {
    for (const face of image.faces) annotations.push(annotationOf(face, i + 1, annotations.length))
    return { id: i + 1, file_name: image.path, width: image.width ?? 0, height: image.height ?? 0 }
  })

  const info: Record<string, string> = {
    description: 'facemark export; keypoint left/right = image-left/image-right',
  }
  if (options.imagesDir) info.images_dir = options.imagesDir
  const file: CocoFile = {
    info,
    images: cocoImages,
    annotations,
    categories: [
      {
        id: 1,
        name: 'face',
        supercategory: 'face',
        keypoints: [...LANDMARK_NAMES],
        skeleton: [
          [1, 3],
          [2, 3],
          [3, 4],
          [3, 5],
        ],
      },
    ],
  }
  return `${JSON.stringify(file)}\n`
}

function annotationOf(face: FaceRecord, imageId: number, index: number): CocoAnnotation {
  const keypoints: number[] = []
  for (let k = 0; k < 5; k++) {
    const p = face.landmarks[k]
    const v = p ? toCocoV(p.visibility) : 0
    // COCO writes unlabelled points as 0,0,0.
    keypoints.push(v === 0 ? 0 : p.x, v === 0 ? 0 : p.y, v)
  }
  const { invalid, ...levels } = face.attributes
  const attributes: Record<string, unknown> = { ...levels, invalid }
  if (face.quality !== null) attributes.quality = face.quality
  if (face.identity) attributes.identity = face.identity

  const { x, y, width, height } = face.box
  const annotation: CocoAnnotation = {
    id: index + 1,
    image_id: imageId,
    category_id: 1,
    bbox: [x, y, width, height],
    area: boxArea(face.box),
    iscrowd: invalid ? 1 : 0,
    keypoints,
    num_keypoints: keypoints.filter((_, i) => i % 3 === 2 && keypoints[i] > 0).length,
    attributes,
  }
  if (face.score !== null) annotation.score = face.score
  return annotation
}

const WHAT = 'a COCO keypoints JSON file ("images", "annotations", "categories")'

const imageSchema = z.object({
  id: z.number({ error: 'expected the image id, a number' }),
  file_name: z
    .string({ error: 'expected the image path, a string' })
    .min(1, 'expected the image path, found an empty string'),
  width: finiteNumber.nullable().optional(),
  height: finiteNumber.nullable().optional(),
})

const annotationSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  image_id: z.number({ error: 'expected the id of an entry of "images"' }),
  category_id: z.number({ error: 'expected the id of an entry of "categories"' }),
  bbox: z.tuple([finiteNumber, finiteNumber, finiteNumber, finiteNumber], {
    error: 'expected [x, y, width, height], four numbers',
  }),
  iscrowd: z.number().optional(),
  keypoints: z.array(finiteNumber, { error: 'expected a list of x, y, v numbers' }).optional(),
  score: finiteNumber.nullable().optional(),
  track_id: z.union([z.number(), z.string()]).nullable().optional(),
  // Any object (CVAT's free attributes); read leniently below, so no per-key check.
  attributes: z.looseObject({}).nullable().optional(),
})

const categorySchema = z.object({
  id: z.number({ error: 'expected the category id, a number' }),
  name: z.string({ error: 'expected the category name, a string' }),
  keypoints: z.array(z.string(), { error: 'expected the list of keypoint names' }).optional(),
})

const cocoSchema = z.object({
  info: z
    .object({
      images_dir: z.string({ error: 'expected a folder path, a string' }).optional(),
    })
    .nullable()
    .optional(),
  images: z.array(imageSchema, { error: 'expected the list of images' }),
  annotations: z.array(annotationSchema, { error: 'expected the list of annotations' }),
  categories: z.array(categorySchema, { error: 'expected the list of categories' }).optional(),
})

type ParsedAnnotation = z.infer<typeof annotationSchema>
type ParsedCategory = z.infer<typeof categorySchema>

/**
 * Parse a COCO keypoints file; images without annotations are zero-face images. A file that
 * is not COCO JSON, or an annotation that cannot be a face, throws with its JSON location.
 */
export function parseCoco(text: string): CocoParse {
  const file = checkShape(cocoSchema, parseJsonText(text, WHAT), WHAT)
  const problems: CocoParse['problems'] = []
  const category = faceCategory(file.categories ?? [])
  // A category that names no keypoints leaves their order open; ours is the natural guess.
  const names = category?.keypoints?.length ? category.keypoints : [...LANDMARK_NAMES]
  const mapping = names.map((name) => landmarkIndex(name))
  if (mapping.some((k) => k === undefined)) {
    const unknown = names.filter((_, i) => mapping[i] === undefined)
    problems.push({
      where: 'categories',
      line: 0,
      message: `unknown keypoints ${unknown}; ignored`,
    })
  }
  if (!category?.keypoints?.length && file.annotations.some((a) => a.keypoints?.length)) {
    problems.push({
      where: 'categories',
      line: 0,
      message: `the face category names no keypoints; read in the order ${names.join(', ')}`,
    })
  }

  const byId = new Map<number, LabelledImage>()
  const images = file.images.map((image) => {
    const entry: LabelledImage = {
      path: image.file_name,
      width: image.width || null,
      height: image.height || null,
      faces: [],
    }
    byId.set(image.id, entry)
    return entry
  })

  file.annotations.forEach((a, i) => {
    const where = `annotations[${i}]${a.id === undefined ? '' : ` (id ${a.id})`}`
    const image = byId.get(a.image_id)
    if (category && a.category_id !== category.id) {
      problems.push({ where, line: 0, message: `category ${a.category_id} is not a face; skipped` })
    } else if (!image) {
      throw new JsonShapeError(`${where}.image_id`, `${a.image_id} is not the id of an image`)
    } else {
      image.faces.push(faceOf(a, mapping, where, problems))
    }
  })
  return { images, imagesDir: file.info?.images_dir || null, problems }
}

function faceCategory(categories: ParsedCategory[]) {
  if (categories.length <= 1) return categories[0]
  return categories.find((c) => c.name.toLowerCase() === 'face') ?? categories[0]
}

function faceOf(
  a: ParsedAnnotation,
  mapping: (number | undefined)[],
  where: string,
  problems: CocoParse['problems'],
): FaceRecord {
  const [x, y, width, height] = a.bbox
  if (!(width > 0) || !(height > 0)) {
    problems.push({ where, line: 0, message: `degenerate box ${width}x${height}; kept` })
  }

  const points: Landmark[] = Array.from({ length: 5 }, () => ({
    x: -1,
    y: -1,
    visibility: 'absent',
  }))
  const kp = a.keypoints ?? []
  // Points are matched to names by position, so a list of another length would put eyes
  // where mouth corners are; an empty list is a face without points.
  if (kp.length > 0 && kp.length !== 3 * mapping.length) {
    throw new JsonShapeError(
      `${where}.keypoints`,
      `has ${kp.length} values, expected ${3 * mapping.length}: x, y, v for each of the ` +
        `${mapping.length} keypoints of the face category`,
    )
  }
  mapping.forEach((k, i) => {
    const v = kp[3 * i + 2] ?? 0
    const visibility = fromCocoV(v)
    if (visibility === undefined) {
      problems.push({ where, line: 0, message: `keypoint ${i} has v=${v}, not 0/1/2; skipped` })
    }
    if (k === undefined || visibility === undefined || visibility === 'absent') return
    points[k] = { x: kp[3 * i], y: kp[3 * i + 1], visibility }
  })

  const attrs = a.attributes ?? {}
  const attributes: WiderAttributes = { ...DEFAULT_ATTRIBUTES, invalid: a.iscrowd === 1 }
  for (const key of Object.keys(ATTRIBUTE_MAX) as (keyof typeof ATTRIBUTE_MAX)[]) {
    const v = Number(attrs[key] ?? 0)
    if (Number.isInteger(v) && v >= 0 && v <= ATTRIBUTE_MAX[key]) (attributes[key] as number) = v
    else problems.push({ where, line: 0, message: `attribute ${key} is ${attrs[key]}; set to 0` })
  }
  if (attrs.invalid !== undefined)
    attributes.invalid = attrs.invalid === true || attrs.invalid === 1

  const identity = attrs.identity ?? a.track_id
  return {
    box: { x, y, width, height },
    score: typeof a.score === 'number' ? a.score : null,
    landmarks: points.some((p) => p.visibility !== 'absent') ? points : [],
    attributes,
    quality: Number.isFinite(attrs.quality) ? (attrs.quality as number) : null,
    identity: identity === undefined || identity === null ? null : String(identity),
  }
}
