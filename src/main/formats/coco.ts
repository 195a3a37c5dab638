import {
  DEFAULT_ATTRIBUTES,
  LANDMARK_NAMES,
  type Landmark,
  type WiderAttributes,
} from '../../shared/face'
import { boxArea } from '../../shared/geometry'
import type { FaceRecord, LabelledImage } from './labelled-image'
import { landmarkIndex } from './labelled-image'
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
  problems: (ParseProblem & { where: string })[]
}

const ATTRIBUTE_MAX = { blur: 2, expression: 1, illumination: 1, occlusion: 2, pose: 1 } as const

/** Serialise images with faces; `file_name` is each image's `path` as given. */
export function serializeCoco(images: readonly LabelledImage[]): string {
  const annotations: CocoAnnotation[] = []
  const cocoImages = images.map((image, i) => {
    for (const face of image.faces) annotations.push(annotationOf(face, i + 1, annotations.length))
    return { id: i + 1, file_name: image.path, width: image.width ?? 0, height: image.height ?? 0 }
  })

  const file: CocoFile = {
    info: { description: 'facemark export; keypoint left/right = image-left/image-right' },
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

/** Parse a COCO keypoints file; images without annotations are zero-face images. */
export function parseCoco(text: string): CocoParse {
  const file = JSON.parse(text) as Partial<CocoFile>
  if (!Array.isArray(file.images) || !Array.isArray(file.annotations)) {
    throw new Error('not a COCO file: "images" and "annotations" arrays are required')
  }
  const problems: CocoParse['problems'] = []
  const category = faceCategory(file.categories ?? [])
  const mapping = (category?.keypoints ?? []).map((name) => landmarkIndex(name))
  if (mapping.some((k) => k === undefined)) {
    const unknown = category!.keypoints!.filter((_, i) => mapping[i] === undefined)
    problems.push({
      where: 'categories',
      line: 0,
      message: `unknown keypoints ${unknown}; ignored`,
    })
  }

  const byId = new Map<number, LabelledImage>()
  const images = file.images.map((image) => {
    const entry: LabelledImage = {
      path: String(image.file_name),
      width: Number(image.width) || null,
      height: Number(image.height) || null,
      faces: [],
    }
    byId.set(image.id, entry)
    return entry
  })

  file.annotations.forEach((a, i) => {
    const where = `annotations[${i}]`
    const image = byId.get(a.image_id)
    if (category && a.category_id !== category.id) {
      problems.push({ where, line: 0, message: `category ${a.category_id} is not a face; skipped` })
    } else if (!image) {
      throw new Error(`${where}: image_id ${a.image_id} is not in "images"`)
    } else {
      image.faces.push(faceOf(a, mapping, where, problems))
    }
  })
  return { images, problems }
}

function faceCategory(categories: CocoFile['categories']) {
  if (categories.length <= 1) return categories[0]
  return categories.find((c) => c.name.toLowerCase() === 'face') ?? categories[0]
}

function faceOf(
  a: CocoAnnotation,
  mapping: (number | undefined)[],
  where: string,
  problems: CocoParse['problems'],
): FaceRecord {
  if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || a.bbox.some((v) => !Number.isFinite(v))) {
    throw new Error(`${where}: bbox must be four numbers, found ${JSON.stringify(a.bbox)}`)
  }
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
  mapping.forEach((k, i) => {
    const visibility = fromCocoV(kp[3 * i + 2] ?? 0)
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
    quality: typeof attrs.quality === 'number' ? attrs.quality : null,
    identity: identity === undefined || identity === null ? null : String(identity),
  }
}
