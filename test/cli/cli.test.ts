import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRetinaFaceLabels } from '../../src/main/formats/retinaface-label'
import { parseWiderGt } from '../../src/main/formats/wider-gt'
import { casesDir, sampleDir } from '../support/shared'
import { facemark } from './run-cli'

const HANDSHAKE = 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg'

let dir: string
let db: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-cli-'))
  db = join(dir, 'labels.sqlite')
  mkdirSync(join(dir, 'photos/images/1--Handshaking'), { recursive: true })
  copyFileSync(
    join(sampleDir, HANDSHAKE),
    join(dir, 'photos/images', HANDSHAKE.split('images/')[1]),
  )
  copyFileSync(join(casesDir, 'damaged-files/BR-17_zero_bytes.jpg'), join(dir, 'photos/empty.jpg'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('when the folder holds a photo and an empty file', () => {
  it('annotates the photo, lists the empty file with its reason, and exits 0', async () => {
    const result = await facemark(['annotate', join(dir, 'photos'), '--db', db])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('2 images: 1 pre-annotated, 0 already done, 1 unreadable')
    expect(result.stdout).toMatch(/skipped empty\.jpg: .*empty/i)
  })

  it('exports RetinaFace labels that read back with five landmarks per face', async () => {
    const result = await facemark([
      'export',
      join(dir, 'out/label.txt'),
      '--format',
      'retinaface',
      '--db',
      db,
    ])
    expect(result.code).toBe(0)

    const entries = parseRetinaFaceLabels(readFileSync(join(dir, 'out/label.txt'), 'utf8'))
    expect(entries.map((e) => e.path)).toEqual([
      '1--Handshaking/1_Handshaking_Handshaking_1_885.jpg',
    ])
    expect(entries[0].faces).toHaveLength(4)
    for (const face of entries[0].faces) expect(face.landmarks).toHaveLength(5)
  })

  it('exports WIDER ground truth with the same boxes', async () => {
    await facemark(['export', join(dir, 'out/gt.txt'), '--format', 'wider', '--db', db])
    const wider = parseWiderGt(readFileSync(join(dir, 'out/gt.txt'), 'utf8'))
    const retina = parseRetinaFaceLabels(readFileSync(join(dir, 'out/label.txt'), 'utf8'))
    expect(wider[0].faces.map((f) => f.box)).toEqual(retina[0].faces.map((f) => f.box))
  })

  it('scores the run against the RetinaFace ground truth as JSON', async () => {
    const gt = join(sampleDir, 'train/label.txt')
    const result = await facemark(['eval', '--gt', gt, '--json', '--db', db])
    expect(result.code).toBe(0)

    const report = JSON.parse(result.stdout)
    expect(report.images).toBe(1)
    expect(report.ap[0]).toMatchObject({ setting: 'all', countedFaces: 3 })
    expect(report.ap[0].ap).toBeGreaterThan(0.99)
    expect(report.nme.matchedFaces).toBe(3)
    expect(report.nme.mean).toBeLessThan(0.1)
  })
})

describe('when the job cannot run', () => {
  it('exits non-zero and says what to do when the model is missing', async () => {
    const result = await facemark(
      ['annotate', join(dir, 'photos'), '--db', join(dir, 'other.sqlite')],
      {
        FACE_MODELS_DIR: join(dir, 'no-models'),
        FACEMARK_DATA_DIR: join(dir, 'no-data'),
      },
    )
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('FACE_MODELS_DIR')
  })

  it('exits non-zero when the folder does not exist, and leaves no label store behind', async () => {
    const fresh = join(dir, 'fresh.sqlite')
    const result = await facemark(['annotate', join(dir, 'missing-folder'), '--db', fresh])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/missing-folder is not a folder/)
    expect(existsSync(fresh)).toBe(false)
  })

  it('refuses a mistyped --db for eval and export without creating it', async () => {
    const typo = join(dir, 'lables.sqlite')
    const evaluated = await facemark(['eval', '--gt', 'annotation', '--db', typo])
    const exported = await facemark(['export', join(dir, 'x'), '--format', 'coco', '--db', typo])

    for (const result of [evaluated, exported]) {
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`The label store ${typo} does not exist; give --db the file`)
    }
    expect(existsSync(typo)).toBe(false)
  })

  it('refuses a label file that does not exist before creating a label store', async () => {
    const fresh = join(dir, 'import.sqlite')
    const result = await facemark([
      'import',
      join(dir, 'no-labels.txt'),
      '--format',
      'wider',
      '--db',
      fresh,
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no-labels.txt does not exist; check the path')
    expect(existsSync(fresh)).toBe(false)
  })
})

describe('when the folder holds a pixel bomb', () => {
  it('skips it and says how the user can still label it', async () => {
    mkdirSync(join(dir, 'bomb'))
    copyFileSync(
      join(casesDir, 'huge-images/BR-19_bomb_20000x20000_1bit.png'),
      join(dir, 'bomb/big.png'),
    )
    const result = await facemark(['annotate', join(dir, 'bomb'), '--db', join(dir, 'b.sqlite')])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'skipped big.png: image too large: 20000x20000 is 400 megapixels, over the limit of ' +
        '100 megapixels; refused without decoding, as it could be a decompression bomb. ' +
        'To label it, save a copy downscaled below 100 megapixels under a new file name',
    )
    expect(result.stdout).not.toContain('maxPixels')
  })
})
