import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import {
  parseRetinaFaceLabels,
  serializeRetinaFaceLabels,
} from '../../src/main/formats/retinaface-label'
import { parseWiderGt } from '../../src/main/formats/wider-gt'
import { CASES, readJson, readText, SAMPLE } from './paths'

const missingDir = join(CASES, 'retinaface-missing-landmarks')

describe('parseRetinaFaceLabels', () => {
  describe('when some faces have no landmarks', () => {
    const text = readText(missingDir, 'label.txt')
    const expected = readJson<{
      faces: number
      with_landmarks: number
      first_face_landmarks: number[][]
      first_face_flags: number[]
    }>(missingDir, 'expected.json')

    it('gives them [] instead of five points at (-1, -1)', () => {
      const faces = parseRetinaFaceLabels(text).flatMap((e) => e.faces)

      expect(faces).toHaveLength(expected.faces)
      expect(faces.filter((f) => f.landmarks.length === 5)).toHaveLength(expected.with_landmarks)
      expect(faces[0].landmarks.map((p) => [p.x, p.y])).toEqual(expected.first_face_landmarks)
      const flagOf = { visible: 0, occluded: 1, absent: -1 }
      expect(faces[0].landmarks.map((p) => flagOf[p.visibility])).toEqual(expected.first_face_flags)
      expect(faces.map((f) => f.quality)).toEqual([0.82, -1, null])
      expect(faces.every((f) => f.score === null)).toBe(true)
    })

    it('writes -1.0 back and round-trips flags and the trailing value', () => {
      const entries = parseRetinaFaceLabels(text)
      const written = serializeRetinaFaceLabels(entries)

      expect(parseRetinaFaceLabels(written)).toEqual(entries)
      const lines = written.split('\n')
      expect(lines[2]).toBe(`189.5 66 81 108 ${Array(15).fill('-1.0').join(' ')} -1.0`)
      expect(lines[1].endsWith(' 0.82')).toBe(true)
      expect(lines[4]).toBe('40 50 60 80')
    })
  })

  describe('with the sample train/label.txt', () => {
    const text = readText(SAMPLE, 'train/label.txt')

    it('round-trips every value', () => {
      const entries = parseRetinaFaceLabels(text)
      const written = serializeRetinaFaceLabels(entries)

      expect(parseRetinaFaceLabels(written)).toEqual(entries)
      // Text differs only where the source wrote flags as `0.00`.
      const before = text.trimEnd().split('\n')
      const after = written.trimEnd().split('\n')
      const changed = before.filter((line, i) => line !== after[i])
      expect(changed).toHaveLength(1)
      expect(changed[0]).toContain(' 0.00 ')
    })

    it('matches the WIDER boxes and counts the landmark annotations', () => {
      const faces = parseRetinaFaceLabels(text).flatMap((e) => e.faces)
      const wider = parseWiderGt(readText(SAMPLE, 'train/wider_face_train_bbx_gt.txt'))
      const byPath = new Map(wider.map((e) => [e.path, e.faces.map((f) => f.box)]))

      for (const entry of parseRetinaFaceLabels(text)) {
        expect(entry.faces.map((f) => f.box)).toEqual(byPath.get(entry.path))
      }
      expect(faces).toHaveLength(77)
      expect(faces.filter((f) => f.landmarks.length === 5)).toHaveLength(76)
      expect(faces.some((f) => f.landmarks.some((p) => p.visibility === 'occluded'))).toBe(true)
    })
  })

  it('reads the sample val/label.txt (boxes only) and writes it back byte for byte', () => {
    const text = readText(SAMPLE, 'val/label.txt')
    const entries = parseRetinaFaceLabels(text)
    const wider = new Map(
      parseWiderGt(readText(SAMPLE, 'val/wider_face_val_bbx_gt.txt')).map((e) => [e.path, e]),
    )

    expect(entries).toHaveLength(23)
    for (const entry of entries) {
      expect(entry.faces.map((f) => f.box)).toEqual(wider.get(entry.path)?.faces.map((f) => f.box))
    }
    expect(serializeRetinaFaceLabels(entries)).toBe(text)
  })

  it('writes the val layout and the train layout on request', () => {
    const entries = parseRetinaFaceLabels(readText(missingDir, 'label.txt'))

    expect(serializeRetinaFaceLabels(entries, { layout: 'val' }).split('\n')[1]).toBe(
      '49.5 66 81 108',
    )
    const train = serializeRetinaFaceLabels(entries, { layout: 'train' }).split('\n')
    expect(train[4].split(' ')).toHaveLength(20)
  })

  it('reports a face line before any header and wrong value counts by line', () => {
    expect(() => parseRetinaFaceLabels('1 2 3 4\n')).toThrow(/^line 1:/)
    expect(() => parseRetinaFaceLabels('# a.jpg\n1 2 3 4 5\n')).toThrow(/^line 2:/)
  })

  it('keeps header names with spaces and # byte-exact', () => {
    const text = '# Fotos été #1 100%/a#b.jpg\n1 2 3 4\n# x/e\u0301 nfd.jpg\n'
    const entries = parseRetinaFaceLabels(text)

    expect(entries.map((e) => e.path)).toEqual(['Fotos été #1 100%/a#b.jpg', 'x/e\u0301 nfd.jpg'])
    expect(serializeRetinaFaceLabels(entries)).toBe(text)
  })
})
