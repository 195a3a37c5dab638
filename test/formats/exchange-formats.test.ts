import { describe, expect, it } from 'vitest'

import { DEFAULT_ATTRIBUTES, type Landmark } from '../../src/shared/face'
import { parseCoco, serializeCoco } from '../../src/main/formats/coco'
import type { FaceRecord } from '../../src/main/formats/labelled-image'
import { parseLabelme, serializeLabelme } from '../../src/main/formats/labelme'
import { parseRetinaFaceLabels } from '../../src/main/formats/retinaface-label'
import { datasetYaml, parseYoloLabels, serializeYoloLabels } from '../../src/main/formats/yolo'
import { CASES, readText } from './paths'

/** The two faces of docs/formats.md's own examples (512 × 512 image). */
const point = (x: number, y: number, visibility: Landmark['visibility'] = 'visible') => ({
  x,
  y,
  visibility,
})
const FACES: FaceRecord[] = [
  {
    box: { x: 104, y: 58, width: 37, height: 46 },
    score: null,
    landmarks: [
      point(113.2, 74.9),
      point(131.6, 75.3),
      point(122.8, 86.1),
      point(115.4, 95.7),
      point(129.9, 96.0, 'occluded'),
    ],
    attributes: { ...DEFAULT_ATTRIBUTES, occlusion: 1 },
    quality: 0.74,
    identity: 'person 7',
  },
  {
    box: { x: 311, y: 70, width: 9, height: 11 },
    score: 0.61,
    landmarks: [],
    attributes: { ...DEFAULT_ATTRIBUTES, blur: 2, occlusion: 2, invalid: true },
    quality: 0.21,
    identity: null,
  },
]
const IMAGE = { path: '7--Cheering/7_Cheering_demo_001.jpg', width: 512, height: 512 }

describe('COCO keypoints', () => {
  it('round-trips every field and writes 0,0,0 with num_keypoints 0 for missing points', () => {
    const text = serializeCoco([{ ...IMAGE, faces: FACES }])
    const json = JSON.parse(text)

    expect(json.annotations[0].keypoints.slice(-3)).toEqual([129.9, 96, 1])
    expect(json.annotations[1].keypoints).toEqual(Array(15).fill(0))
    expect(json.annotations[1].num_keypoints).toBe(0)
    expect(json.annotations[1].iscrowd).toBe(1)
    expect(parseCoco(text).images).toEqual([{ ...IMAGE, faces: FACES }])
  })

  it('maps keypoints by name, not by position', () => {
    const file = {
      images: [{ id: 3, file_name: 'a.jpg', width: 100, height: 80 }],
      categories: [
        {
          id: 1,
          name: 'face',
          keypoints: ['nose', 'mouth_right', 'left_eye', 'mouth_left', 'right_eye'],
        },
      ],
      annotations: [
        {
          id: 1,
          image_id: 3,
          category_id: 1,
          bbox: [10.5, 20.25, 30, 40],
          keypoints: [20, 30, 2, 28, 40, 1, 15, 25, 2, 16, 40, 2, 25, 25, 0],
        },
      ],
    }
    const [face] = parseCoco(JSON.stringify(file)).images[0].faces
    expect(face.box).toEqual({ x: 10.5, y: 20.25, width: 30, height: 40 })
    expect(face.landmarks).toEqual([
      point(15, 25),
      { x: -1, y: -1, visibility: 'absent' },
      point(20, 30),
      point(16, 40),
      point(28, 40, 'occluded'),
    ])
  })
})

describe('YOLO labels', () => {
  it('writes the yolov5-face line of docs/formats.md, -1 for missing points', () => {
    const lines = serializeYoloLabels(FACES, 512, 512, 'yolo-face').trim().split('\n')
    const rounded = lines[0].split(' ').map((v) => Number(v).toFixed(4))
    expect(rounded.slice(1, 5)).toEqual(['0.2393', '0.1582', '0.0723', '0.0898'])
    expect(rounded.slice(5, 7)).toEqual(['0.2211', '0.1463'])
    expect(lines[1].split(' ').slice(5)).toEqual(Array(10).fill('-1'))
  })

  it('round-trips pose lines with visibility, to the pixel decimals written', () => {
    const text = serializeYoloLabels(FACES, 512, 384, 'yolo-pose')
    expect(text.split('\n')[1].split(' ').slice(5)).toEqual(Array(15).fill('0'))

    const back = parseYoloLabels(text, 512, 384, 'yolo-pose')
    expect(back.map((f) => f.box)).toEqual(FACES.map((f) => f.box))
    expect(back[0].landmarks).toEqual(FACES[0].landmarks)
    expect(back[1].landmarks).toEqual([])
  })

  it('clips boxes that leave the image and counts them', () => {
    const stats = { clipped: 0, dropped: 0, pointsDropped: 0, occludedAsVisible: 0 }
    const outside = { ...FACES[1], box: { x: -10.5, y: 500, width: 40, height: 30 } }
    const gone = { ...FACES[1], box: { x: 600, y: 10, width: 5, height: 5 } }
    const [face] = parseYoloLabels(
      serializeYoloLabels([outside, gone], 512, 512, 'yolo-face', stats),
      512,
      512,
      'yolo-face',
    )
    expect(face.box).toEqual({ x: 0, y: 500, width: 29.5, height: 12 })
    expect(stats).toEqual({ clipped: 1, dropped: 1, pointsDropped: 0, occludedAsVisible: 0 })
  })

  it('reports a malformed line by number and writes the Ultralytics YAML', () => {
    expect(() => parseYoloLabels('0 0.5 0.5 0.1 0.1\n0 0.5 0.5\n', 10, 10, 'yolo-face')).toThrow(
      /^line 2:/,
    )
    const yaml = datasetYaml('yolo-pose', { train: 'images/train', val: 'images/val' })
    expect(yaml).toContain('kpt_shape: [5, 3]\nflip_idx: [1, 0, 2, 4, 3]')
    expect(yaml).toContain('train: images/train\nval: images/val\nnc: 1')
  })
})

describe('labelme JSON', () => {
  it('round-trips a rectangle plus points grouped by group_id', () => {
    const text = serializeLabelme({ ...IMAGE, faces: FACES })
    const json = JSON.parse(text)
    expect(json.shapes.filter((s: { group_id: number }) => s.group_id === 1)).toHaveLength(6)
    expect(json.imageData).toBeNull()
    expect(parseLabelme(text).image).toEqual({ ...IMAGE, faces: FACES })
  })

  it('reads rectangles drawn from any corner and skips stray shapes with a reason', () => {
    const file = {
      imagePath: 'x.jpg',
      imageWidth: 50,
      imageHeight: 40,
      shapes: [
        {
          label: 'face',
          shape_type: 'rectangle',
          points: [
            [30, 35],
            [10.5, 5],
          ],
          group_id: 4,
        },
        { label: 'nose', shape_type: 'point', points: [[20, 20]], group_id: 4 },
        { label: 'nose', shape_type: 'point', points: [[1, 1]], group_id: null },
        {
          label: 'hair',
          shape_type: 'polygon',
          points: [
            [1, 1],
            [2, 2],
            [3, 1],
          ],
          group_id: 4,
        },
      ],
    }
    const { image, problems } = parseLabelme(JSON.stringify(file))
    expect(image.faces[0].box).toEqual({ x: 10.5, y: 5, width: 19.5, height: 30 })
    expect(image.faces[0].landmarks[2]).toEqual(point(20, 20))
    expect(problems).toHaveLength(2)
  })
})

describe('the missing-landmarks case through every format', () => {
  const faces = parseRetinaFaceLabels(readText(CASES, 'retinaface-missing-landmarks/label.txt'))[0]
    .faces

  it('keeps the no-landmark face free of points everywhere', () => {
    const image = { path: 'a.jpg', width: 300, height: 300, faces }
    expect(parseCoco(serializeCoco([image])).images[0].faces[1].landmarks).toEqual([])
    expect(parseLabelme(serializeLabelme(image)).image.faces[1].landmarks).toEqual([])
    for (const flavour of ['yolo-face', 'yolo-pose'] as const) {
      const back = parseYoloLabels(serializeYoloLabels(faces, 300, 300, flavour), 300, 300, flavour)
      expect(back[1].landmarks).toEqual([])
    }
  })
})
