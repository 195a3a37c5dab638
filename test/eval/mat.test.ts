import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

import { beforeAll, describe, expect, it } from 'vitest'

import { readMat } from '../../src/main/eval/mat'
import { readWiderMat, type WiderMatImage } from '../../src/main/eval/wider-mat'
import { parseWiderGt } from '../../src/main/formats/wider-gt'
import { GROUND_TRUTH, readSample } from './paths'

describe('readWiderMat', () => {
  let images: WiderMatImage[]
  beforeAll(() => {
    images = readWiderMat(GROUND_TRUTH)
  })

  it('reads every val image, face and difficulty subset', () => {
    const faces = images.reduce((n, i) => n + i.boxes.length, 0)
    const counted = (s: 'easy' | 'medium' | 'hard') =>
      images.reduce((n, i) => n + (i.counted[s]?.length ?? 0), 0)

    // The totals scipy.io.loadmat reports for the official files.
    expect(images).toHaveLength(3226)
    expect(faces).toBe(39708)
    expect([counted('easy'), counted('medium'), counted('hard')]).toEqual([7211, 13319, 31958])
  })

  it('agrees with the bbx_gt.txt of the 23 sample images: paths, boxes and attributes', () => {
    const txt = parseWiderGt(readSample('val/wider_face_val_bbx_gt.txt'))
    const byPath = new Map(images.map((i) => [i.path, i]))

    expect(txt).toHaveLength(23)
    for (const entry of txt) {
      const mat = byPath.get(entry.path)!
      expect(mat.boxes).toHaveLength(entry.faces.length)
      expect(mat.boxes).toEqual(entry.faces.map((f) => f.box))
      expect(mat.attributes).toEqual(entry.faces.map((f) => f.attributes))
    }
  })

  it('keeps easy ⊂ medium ⊂ hard and leaves invalid faces out of every subset', () => {
    for (const image of images) {
      const { easy = [], medium = [], hard = [] } = image.counted
      expect(easy.every((i) => medium.includes(i))).toBe(true)
      expect(medium.every((i) => hard.includes(i))).toBe(true)
      expect(hard.every((i) => i >= 0 && i < image.boxes.length)).toBe(true)
      expect(hard.some((i) => image.attributes[i].invalid)).toBe(false)
    }
  })
})

describe('readMat', () => {
  it('reads an uncompressed double matrix and a char array written by hand', () => {
    const file = matFile([
      matrix('x', 6, [2, 2], element(9, f64([1, 2, 3, 4]))),
      matrix('s', 4, [1, 3], element(4, u16([...'abc'].map((c) => c.charCodeAt(0))))),
    ])
    const vars = readMat(file)

    expect(vars.get('x')).toMatchObject({ type: 'numeric', className: 'double', dims: [2, 2] })
    expect(Array.from((vars.get('x') as { real: Float64Array }).real)).toEqual([1, 2, 3, 4])
    expect(vars.get('s')).toEqual({ type: 'char', dims: [1, 3], text: 'abc' })
  })

  it('reads a compressed cell array holding a uint8 vector', () => {
    const inner = matrix('', 9, [3, 1], element(2, Buffer.from([7, 8, 9])))
    const cell = matrix('c', 1, [1, 1], inner)
    const vars = readMat(matFile([element(15, deflateSync(cell), false)]))

    const value = vars.get('c')
    expect(value?.type).toBe('cell')
    const first = value?.type === 'cell' ? value.cells[0] : undefined
    expect(first?.type === 'numeric' && Array.from(first.real)).toEqual([7, 8, 9])
  })

  it('refuses files that are not MAT v5', () => {
    expect(() => readMat(readFileSync(join(GROUND_TRUTH, '../README.md')))).toThrow(/MAT-file/)
  })
})

// Tiny MAT v5 writer for the hand-made cases (little endian).
function element(type: number, data: Buffer, pad = true): Buffer {
  const tag = Buffer.alloc(8)
  tag.writeUInt32LE(type, 0)
  tag.writeUInt32LE(data.length, 4)
  const padding = pad ? Buffer.alloc((8 - (data.length % 8)) % 8) : Buffer.alloc(0)
  return Buffer.concat([tag, data, padding])
}

function matrix(name: string, classId: number, dims: number[], ...parts: Buffer[]): Buffer {
  const flags = Buffer.alloc(8)
  flags.writeUInt32LE(classId, 0)
  const body = Buffer.concat([
    element(6, flags),
    element(5, Buffer.from(Int32Array.from(dims).buffer)),
    element(1, Buffer.from(name, 'latin1')),
    ...parts,
  ])
  return element(14, body)
}

function matFile(elements: Buffer[]): Buffer {
  const header = Buffer.alloc(128, ' ')
  header.write('MATLAB 5.0 MAT-file, written by a test', 0, 'latin1')
  header.writeUInt16LE(0x0100, 124)
  header.write('IM', 126, 'latin1')
  return Buffer.concat([header, ...elements])
}

function f64(values: number[]): Buffer {
  return Buffer.from(Float64Array.from(values).buffer)
}

function u16(values: number[]): Buffer {
  return Buffer.from(Uint16Array.from(values).buffer)
}
