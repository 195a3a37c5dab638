import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { parseWiderGt, serializeWiderGt } from '../../src/main/formats/wider-gt'
import { FormatError } from '../../src/main/formats/text'
import { boxArea, boxIou } from '../../src/shared/geometry'
import { CASES, readJson, readText, SAMPLE } from './paths'

const zeroDir = join(CASES, 'wider-zero-faces')
const degenerateDir = join(CASES, 'wider-degenerate-boxes')

describe('parseWiderGt', () => {
  describe('when an image has zero faces', () => {
    const withDummy = readText(zeroDir, 'wider_face_split/wider_face_val_bbx_gt.txt')
    const withoutDummy = readText(zeroDir, 'wider_face_split/wider_face_val_bbx_gt_nodummy.txt')
    const expected = readJson<{
      faces_per_image: Record<string, number>
      boxes_xywh: Record<string, number[][]>
      export_of_empty_image_official_form: string[]
    }>(zeroDir, 'expected.json')

    it('imports both files identically, with and without the dummy line', () => {
      const a = parseWiderGt(withDummy)
      const b = parseWiderGt(withoutDummy)

      expect(b).toEqual(a)
      expect(Object.fromEntries(a.map((e) => [e.path, e.faces.length]))).toEqual(
        expected.faces_per_image,
      )
      const boxes = (i: number) =>
        a[i].faces.map(({ box }) => [box.x, box.y, box.width, box.height])
      expect(boxes(0)).toEqual(expected.boxes_xywh.a)
      expect(boxes(2)).toEqual(expected.boxes_xywh.b)
      expect(a.every((e) => e.problems.length === 0)).toBe(true)
    })

    it('exports the official form, dummy line included', () => {
      const written = serializeWiderGt(parseWiderGt(withoutDummy))

      expect(written).toBe(withDummy)
      const lines = written.split('\n').map((l) => l.trimEnd())
      const at = lines.indexOf('0--Parade/0_Parade_empty.jpg')
      expect(lines.slice(at, at + 3)).toEqual(expected.export_of_empty_image_official_form)
    })
  })

  describe('when boxes are degenerate', () => {
    const text = readText(degenerateDir, 'wider_face_split/wider_face_val_bbx_gt.txt')

    it('keeps all eight boxes and reports the odd ones by line number', () => {
      const [entry] = parseWiderGt(text)

      expect(entry.faces).toHaveLength(8)
      expect(entry.problems.map((p) => p.line)).toEqual([4, 5, 6, 7, 9])
      expect(entry.problems[0].message).toMatch(/degenerate/)
      expect(entry.faces[7].box).toEqual({ x: 10.5, y: 200.25, width: 30.75, height: 20.5 })
      expect(entry.faces[5].attributes.invalid).toBe(true)
    })

    it('never yields NaN or Infinity in area or IoU', () => {
      const faces = parseWiderGt(text)[0].faces
      for (const a of faces) {
        expect(Number.isFinite(boxArea(a.box))).toBe(true)
        for (const b of faces) expect(Number.isFinite(boxIou(a.box, b.box))).toBe(true)
      }
    })

    it('round-trips through WIDER with invalid and float coordinates intact', () => {
      const first = parseWiderGt(text)
      const again = parseWiderGt(serializeWiderGt(first))

      expect(again.map((e) => e.faces)).toEqual(first.map((e) => e.faces))
      expect(serializeWiderGt(first, { integers: true })).toContain('\n11 200 31 21 0 0 0 0 0 0 \n')
    })
  })

  it.each(['val/wider_face_val_bbx_gt.txt', 'train/wider_face_train_bbx_gt.txt'])(
    'round-trips the sample %s byte for byte',
    (file) => {
      const text = readText(SAMPLE, file)
      const entries = parseWiderGt(text)

      expect(serializeWiderGt(entries)).toBe(text)
      expect(entries.every((e) => e.faces.every((f) => f.landmarks.length === 0))).toBe(true)
    },
  )

  it('reads CRLF files and trailing spaces the same as LF', () => {
    const text = readText(SAMPLE, 'val/wider_face_val_bbx_gt.txt')

    expect(parseWiderGt(text.replace(/\n/g, '\r\n'))).toEqual(parseWiderGt(text))
    expect(parseWiderGt(text.replace(/ \n/g, '\n'))).toEqual(parseWiderGt(text))
  })

  it('keeps awkward names byte-exact', () => {
    const names = readJson<{ files: string[] }>(CASES, 'awkward-names/expected.json').files
    const entries = names.map((name) => ({ path: `Fotos été #1 100%/${name}`, faces: [] }))
    const parsed = parseWiderGt(serializeWiderGt(entries))

    expect(parsed.map((e) => e.path)).toEqual(entries.map((e) => e.path))
    expect(parsed.some((e) => e.path.includes('e\u0301'))).toBe(true)
  })

  it('throws a FormatError with the line number on broken structure', () => {
    const missingCount = 'a.jpg\nb.jpg\n'
    const tooFew = 'a.jpg\n2\n1 2 3 4 0 0 0 0 0 0 \nb.jpg\n0\n'

    expect(() => parseWiderGt(missingCount)).toThrow(FormatError)
    expect(() => parseWiderGt(missingCount)).toThrow(/^line 2:/)
    expect(() => parseWiderGt(tooFew)).toThrow(/^line 4:/)
  })
})
