import { describe, expect, it } from 'vitest'

import {
  fromCocoV,
  fromRetinaFaceFlag,
  fromUltralyticsV,
  fromYolov5FacePoint,
  toCocoV,
  toRetinaFaceFlag,
  toUltralyticsV,
  VISIBILITY_CODES,
} from '../../src/main/formats/visibility'
import { readText, SHARED } from './paths'

/** The rows of docs/formats.md 2.10, as the table states them. */
const TABLE = [
  { visibility: 'absent', retinaface: -1, coco: 0, ultralytics: 0, yolov5Face: 'negative' },
  { visibility: 'occluded', retinaface: 1, coco: 1, ultralytics: 1, yolov5Face: null },
  { visibility: 'visible', retinaface: 0, coco: 2, ultralytics: 2, yolov5Face: 'coordinates' },
] as const

describe('the visibility conversion table', () => {
  it('matches docs/formats.md 2.10 row by row', () => {
    const doc = readText(SHARED, 'docs/formats.md')
    expect(doc).toContain('| not annotated / absent | x=y=-1, f=-1 | 0 (x=y=0) | 0 (0,0) | -1')
    expect(doc).toContain('| annotated, occluded | f=1.0 | 1 | 1 | (not representable)')
    expect(doc).toContain('| annotated, visible | f=0.0 | 2 | 2 | coordinates')

    for (const { visibility, ...codes } of TABLE) {
      expect(VISIBILITY_CODES[visibility]).toEqual(codes)
    }
  })

  it('converts every code both ways', () => {
    for (const { visibility, retinaface, coco, ultralytics } of TABLE) {
      expect(fromRetinaFaceFlag(retinaface)).toBe(visibility)
      expect(toRetinaFaceFlag(visibility)).toBe(retinaface)
      expect(fromCocoV(coco)).toBe(visibility)
      expect(toCocoV(visibility)).toBe(coco)
      expect(fromUltralyticsV(ultralytics)).toBe(visibility)
      expect(toUltralyticsV(visibility)).toBe(ultralytics)
    }
  })

  it('reads any negative YOLOv5-face coordinate as missing and rejects unknown codes', () => {
    expect(fromYolov5FacePoint(-1, -1)).toBe('absent')
    expect(fromYolov5FacePoint(-1 / 512, -1 / 384)).toBe('absent')
    expect(fromYolov5FacePoint(0.2211, 0.1463)).toBe('visible')
    expect(fromRetinaFaceFlag(0.5)).toBeUndefined()
    expect(fromCocoV(3)).toBeUndefined()
  })
})
