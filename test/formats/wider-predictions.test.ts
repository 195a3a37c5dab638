import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import {
  parsePredictionFile,
  predictionPath,
  readPredictionFolder,
  serializePredictionFile,
  stripExtension,
  writePredictionFolder,
} from '../../src/main/formats/wider-predictions'
import { CASES, readJson } from './paths'

const faces = [
  { box: { x: 20, y: 400, width: 15, height: 18 }, score: 0.031 },
  { box: { x: 103, y: 57.5, width: 38.1, height: 47 }, score: 0.998 },
  { box: { x: 310.2, y: 69.1, width: 10.3, height: 12 }, score: 0.612 },
]

describe('WIDER prediction files', () => {
  it('writes rows in descending score order', () => {
    expect(serializePredictionFile('7_Cheering_demo_001', faces)).toBe(
      [
        '7_Cheering_demo_001',
        '3',
        '103 57.5 38.1 47 0.998',
        '310.2 69.1 10.3 12 0.612',
        '20 400 15 18 0.031',
        '',
      ].join('\n'),
    )
  })

  it('reads unsorted files in file order and notes a wrong count', () => {
    const text = 'img\n2\n1 2 3 4 0.1\n5 6 7 8 0.9 \r\n9 9 9 9 0.5\n'
    const file = parsePredictionFile(text)

    expect(file.name).toBe('img')
    expect(file.faces.map((f) => f.score)).toEqual([0.1, 0.9, 0.5])
    expect(file.problems).toEqual([{ line: 2, message: expect.stringMatching(/count says 2/) }])
    expect(() => parsePredictionFile('img\n1\n1 2 3\n')).toThrow(/^line 3:/)
  })

  it('strips only the last extension, unlike rstrip(".jpg")', () => {
    expect(stripExtension('0_Parade_gpj.jpg')).toBe('0_Parade_gpj')
    expect(stripExtension('a.b.jpg')).toBe('a.b')
    expect(predictionPath('7--Cheering/x.jpg')).toBe('7--Cheering/x.txt')
  })

  describe('with awkward names on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facemark-preds-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const names = readJson<{ files: string[] }>(CASES, 'awkward-names/expected.json').files
    const event = 'Fotos été #1 100%'

    it('writes one file per image and reads them back under the exact names', async () => {
      const images = names.map((name, i) => ({
        path: `${event}/${name}`,
        faces: faces.slice(0, i % 4),
      }))
      expect(await writePredictionFolder(dir, images)).toBe(names.length)

      const back = await readPredictionFolder(dir)
      const expectedKeys = images.map((img) => stripExtension(img.path)).sort()
      expect([...back.keys()].sort()).toEqual(expectedKeys)
      for (const img of images) {
        const file = back.get(stripExtension(img.path))!
        expect(file.name).toBe(stripExtension(img.path.split('/')[1]))
        expect(file.faces).toHaveLength(img.faces.length)
      }

      const nfd = names.find((n) => n.normalize('NFC') !== n)!
      const raw = readFileSync(join(dir, event, `${stripExtension(nfd)}.txt`), 'utf8')
      expect(Buffer.from(raw.split('\n')[0])).toEqual(Buffer.from(stripExtension(nfd)))
    })
  })
})
