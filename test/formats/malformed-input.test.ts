import { describe, expect, it } from 'vitest'

import { parseCoco } from '../../src/main/formats/coco'
import { JsonShapeError } from '../../src/main/formats/json'
import { parseLabelme } from '../../src/main/formats/labelme'
import { parseRetinaFaceLabels } from '../../src/main/formats/retinaface-label'
import { FormatError } from '../../src/main/formats/text'
import { parseWiderGt } from '../../src/main/formats/wider-gt'
import { parsePredictionFile } from '../../src/main/formats/wider-predictions'
import { parseYoloLabels } from '../../src/main/formats/yolo'

/** The error a parse throws, to check its class and fields. */
function thrown(parse: () => unknown): unknown {
  try {
    parse()
  } catch (error) {
    return error
  }
  throw new Error('expected the parse to throw')
}

const RETINA_NO_POINTS = '-1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1'

describe('numbers too large for a double', () => {
  it.each([
    ['WIDER', () => parseWiderGt('a.jpg\n1\n1 2 1e400 4 0 0 0 0 0 0 \n'), 3, 'value 3: 1e400'],
    [
      'RetinaFace',
      () => parseRetinaFaceLabels(`# a.jpg\n1 2 3 4 ${RETINA_NO_POINTS} 1e999\n`),
      2,
      'value 20: 1e999',
    ],
    ['YOLO', () => parseYoloLabels('0 0.5 0.5 -1e309 0.1\n', 10, 10, 'yolo-face'), 1, '-1e309'],
    ['WIDER predictions', () => parsePredictionFile('a\n1\n1 2 3 4 9e999\n'), 3, '9e999'],
  ])('%s refuses them at their line instead of storing Infinity', (_, parse, line, token) => {
    const error = thrown(parse)
    expect(error).toBeInstanceOf(FormatError)
    expect((error as FormatError).line).toBe(line)
    expect((error as FormatError).reason).toContain(token)
    expect((error as FormatError).reason).toMatch(/finite number/)
  })

  it('treats the words Infinity and NaN as not numbers, as before', () => {
    expect(() => parseWiderGt('a.jpg\n1\n1 2 Infinity 4 0 0 0 0 0 0\n')).toThrow(/not a face/)
    expect(() => parseRetinaFaceLabels('# a.jpg\n1 2 NaN 4\n')).toThrow(/^line 2:/)
  })

  it('refuses 1e400 in COCO and labelme JSON, naming the field', () => {
    const coco = `{"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[
      {"id":7,"image_id":1,"category_id":1,"bbox":[1,2,1e400,4]}]}`
    expect(() => parseCoco(coco)).toThrow(/^annotations\[0\] \(id 7\)\.bbox\[2\]: .*finite/)

    const labelme = `{"imagePath":"a.jpg","shapes":[
      {"label":"face","shape_type":"rectangle","points":[[1,2],[1e400,4]]}]}`
    expect(() => parseLabelme(labelme)).toThrow(
      /^shapes\[0\] \("face"\)\.points\[1\]\[0\]: .*finite/,
    )
  })
})

describe('a WIDER face line with the wrong number of values', () => {
  it('refuses more than ten values, naming the ten WIDER columns', () => {
    const error = thrown(() => parseWiderGt('a.jpg\n1\n1 2 3 4 0 0 0 0 0 0 1 1\n'))
    expect(error).toBeInstanceOf(FormatError)
    expect((error as FormatError).line).toBe(3)
    expect((error as FormatError).reason).toMatch(/has 12 values; WIDER ground truth has 10 \(x1/)
  })

  it('keeps a short line with its missing attributes as 0, and says so', () => {
    const [entry] = parseWiderGt('a.jpg\n1\n1 2 3 4 2\n')
    expect(entry.faces[0].attributes.blur).toBe(2)
    expect(entry.problems).toEqual([
      { line: 3, message: expect.stringMatching(/5 values instead of 10.*read as 0/) },
    ])
  })
})

describe('RetinaFace headers', () => {
  it.each(['# \n1 2 3 4\n', '#\n', '#   \n'])('refuses a header without a path: %j', (text) => {
    const error = thrown(() => parseRetinaFaceLabels(text))
    expect(error).toBeInstanceOf(FormatError)
    expect((error as FormatError).line).toBe(1)
    expect((error as FormatError).reason).toMatch(/names no image/)
  })
})

describe('YOLO values outside the image', () => {
  it('refuses a centre past the edge with the line and the value', () => {
    const text = '0 0.5 0.5 0.1 0.1\n0 1.4 0.5 0.1 0.1\n'
    const error = thrown(() => parseYoloLabels(text, 100, 100, 'yolo-face'))
    expect(error).toBeInstanceOf(FormatError)
    expect((error as FormatError).line).toBe(2)
    expect((error as FormatError).reason).toMatch(/^cx is 1.4, outside 0\.\.1/)
  })

  it('refuses pose points past the edge but not missing ones', () => {
    const points = (x: string) => `${x} 0.5 2 ${'0 0 0 '.repeat(4)}`.trim()
    expect(() =>
      parseYoloLabels(`0 0.5 0.5 0.1 0.1 ${points('1.2')}\n`, 10, 10, 'yolo-pose'),
    ).toThrow(/point 0 x is 1.2/)
    expect(parseYoloLabels(`0 0.5 0.5 0.1 0.1 ${points('0')}`, 10, 10, 'yolo-pose')).toHaveLength(1)
  })

  it('accepts rounding just past 0 and 1, and yolov5-face points past the edge', () => {
    const [face] = parseYoloLabels('0 0.9995 0.5 0.001 1.0004\n', 1000, 1000, 'yolo-face')
    expect(face.box.width).toBe(1)
    const landmarks = '1.02 0.5 -1 -1 -1 -1 -1 -1 -1 -1'
    const [edge] = parseYoloLabels(`0 0.5 0.5 0.2 0.2 ${landmarks}\n`, 100, 100, 'yolo-face')
    expect(edge.landmarks[0]).toEqual({ x: 102, y: 50, visibility: 'visible' })
  })
})

describe('labelme files of the wrong shape', () => {
  const file = (shape: unknown) => JSON.stringify({ imagePath: 'a.jpg', shapes: [{}, shape] })
  const rectangle = { label: 'face', shape_type: 'rectangle', group_id: 1 }

  it.each([
    ['no points', { ...rectangle }, 'shapes[1] ("face").points', /missing; expected a list/],
    [
      'a one-point rectangle',
      { ...rectangle, points: [[1, 2]] },
      'shapes[1] ("face").points',
      /a rectangle needs two opposite corners .*found 1 point$/,
    ],
    [
      'string coordinates',
      {
        ...rectangle,
        points: [
          ['12', 3],
          [4, 5],
        ],
      },
      'shapes[1] ("face").points[0][0]',
      /expected a number, found "12"/,
    ],
    [
      'a point without coordinates',
      { label: 'nose', shape_type: 'point', points: [], group_id: 1 },
      'shapes[1] ("nose").points',
      /a point needs one point/,
    ],
  ])('refuses %s, naming the shape and field', (_, shape, where, reason) => {
    const valid = { label: 'hair', shape_type: 'polygon', points: [[0, 0]] }
    const error = thrown(() => parseLabelme(file(shape).replace('{}', JSON.stringify(valid))))
    expect(error).toBeInstanceOf(JsonShapeError)
    expect((error as JsonShapeError).where).toBe(where)
    expect((error as JsonShapeError).reason).toMatch(reason)
  })

  it('says what a labelme file holds when the top level is off', () => {
    expect(() => parseLabelme('{"images":[]}')).toThrow(
      /^shapes: missing; .*is this a labelme JSON file/,
    )
  })

  it('reads an X-AnyLabeling rectangle written as four corners', () => {
    const corners = {
      ...rectangle,
      points: [
        [10, 5],
        [30, 5],
        [30, 35],
        [10, 35],
      ],
    }
    const { image } = parseLabelme(JSON.stringify({ imagePath: 'a.jpg', shapes: [corners] }))
    expect(image.faces[0].box).toEqual({ x: 10, y: 5, width: 20, height: 30 })
  })
})

describe('COCO files of the wrong shape', () => {
  const category = {
    id: 1,
    name: 'face',
    keypoints: ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'],
  }
  const coco = (images: unknown[], annotations: unknown[] = []) =>
    JSON.stringify({ images, annotations, categories: [category] }, null, 1)

  it('points a truncated file at its line and column', () => {
    const text = coco([{ id: 1, file_name: 'a.jpg' }]).slice(0, 40)
    const error = thrown(() => parseCoco(text))
    expect(error).toBeInstanceOf(FormatError)
    const lines = text.split('\n')
    expect((error as FormatError).line).toBe(lines.length)
    expect((error as FormatError).column).toBe(lines.at(-1)!.length + 1)
    expect((error as FormatError).reason).toMatch(/not valid JSON .*truncated; expected a COCO/)
  })

  it('refuses an image without file_name instead of registering "undefined"', () => {
    const error = thrown(() => parseCoco(coco([{ id: 1 }, { id: 4, width: 10 }])))
    expect(error).toBeInstanceOf(JsonShapeError)
    expect((error as JsonShapeError).where).toBe('images[0] (id 1).file_name')
    expect(() => parseCoco(coco([{ id: 1, file_name: '' }]))).toThrow(/empty string/)
  })

  it('refuses keypoints of the wrong length with the annotation id', () => {
    const annotation = { id: 7, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] }
    const text = coco([{ id: 1, file_name: 'a.jpg' }], [{ ...annotation, keypoints: [1, 2, 2] }])
    const error = thrown(() => parseCoco(text))
    expect(error).toBeInstanceOf(JsonShapeError)
    expect((error as JsonShapeError).where).toBe('annotations[0] (id 7).keypoints')
    expect((error as JsonShapeError).reason).toMatch(/has 3 values, expected 15/)

    const none = coco([{ id: 1, file_name: 'a.jpg' }], [{ ...annotation, keypoints: [] }])
    expect(parseCoco(none).images[0].faces[0].landmarks).toEqual([])
  })

  it('reads the images folder an export recorded, and none when absent', () => {
    const text = coco([{ id: 1, file_name: 'a.jpg' }])
    expect(parseCoco(text).imagesDir).toBeNull()
    const hinted = JSON.stringify({ ...JSON.parse(text), info: { images_dir: '/data/train' } })
    expect(parseCoco(hinted).imagesDir).toBe('/data/train')
  })
})
