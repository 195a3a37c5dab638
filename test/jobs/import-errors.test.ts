import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { importLabels, type ImportFormat } from '../../src/main/jobs/import-labels'
import { gtSourceOf, importGroundTruth } from '../../src/main/review/import-gt'
import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { sampleDir } from '../support/shared'

let dir: string
let db: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-errors-'))
  db = openDatabase(join(dir, 'labels.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function write(name: string, text: string): string {
  const file = join(dir, name)
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, text)
  return file
}

/** The import's error, after checking that it wrote nothing. */
async function refusal(format: ImportFormat, path: string, images?: string) {
  const error = await importLabels(db, { format, path, images }).then(
    () => new Error('the import was expected to fail'),
    (e: Error) => e,
  )
  expect(db.prepare('SELECT COUNT(*) FROM images').pluck().get()).toBe(0)
  expect(db.prepare('SELECT COUNT(*) FROM faces').pluck().get()).toBe(0)
  return error as Error & { code?: string }
}

describe('every import error names the file and what was expected', () => {
  it('a number too large for a double, at its line', async () => {
    const wider = write('gt.txt', 'a.jpg\n1\n1 2 1e400 4 0 0 0 0 0 0 \n')
    expect((await refusal('wider', wider)).message).toMatch(
      new RegExp(`^${wider}:3: value 3: 1e400 is beyond`),
    )
    const points = Array(15).fill('-1').join(' ')
    const retina = write('label.txt', `# a.jpg\n1 2 3 4 ${points} 1e999\n`)
    expect((await refusal('retinaface', retina)).message).toMatch(new RegExp(`^${retina}:2: `))
  })

  it('a WIDER line with too many values, and a RetinaFace header without a path', async () => {
    const wider = write('gt.txt', 'a.jpg\n1\n1 2 3 4 0 0 0 0 0 0 1 1\n')
    expect((await refusal('wider', wider)).message).toMatch(`${wider}:3: face line has 12 values`)
    const retina = write('label.txt', '# a.jpg\n1 2 3 4\n# \n5 6 7 8\n')
    expect((await refusal('retinaface', retina)).message).toBe(
      `${retina}:3: header names no image; expected "# <event>/<file>.jpg"`,
    )
  })

  it('a missing file keeps the ENOENT code, a folder for a file says which file fits', async () => {
    const missing = join(dir, 'nope.txt')
    const gone = await refusal('retinaface', missing)
    expect(gone.message).toBe(`${missing}: not found; expected a RetinaFace label.txt file`)
    expect(gone.code).toBe('ENOENT')

    const json = write('export/annotations.json', '{}')
    const folder = await refusal('coco', join(dir, 'export'))
    expect(folder.message).toBe(
      `${join(dir, 'export')} is a folder; expected a COCO keypoints JSON file, e.g. ${json}`,
    )
    expect((await refusal('yolo-face', json)).message).toMatch(`${json} is a file; expected a YOLO`)
    expect((await refusal('wider', json, join(dir, 'no-images'))).message).toMatch(
      `--images ${join(dir, 'no-images')} does not exist`,
    )
  })

  it('truncated COCO JSON, at its line and column', async () => {
    const file = write('coco.json', '{"images": [{"id": 1, "file_name": "a.jpg"},\n  {"id": 2')
    expect((await refusal('coco', file)).message).toMatch(
      new RegExp(`^${file}:2:11: not valid JSON .*truncated; expected a COCO keypoints JSON`),
    )
  })

  it('COCO without file_name or with short keypoints, with the JSON location', async () => {
    const file = write('coco.json', JSON.stringify({ images: [{ id: 3 }], annotations: [] }))
    expect((await refusal('coco', file)).message).toBe(
      `${file}: images[0] (id 3).file_name: missing; expected the image path, a string`,
    )
    const short = write(
      'short.json',
      JSON.stringify({
        images: [{ id: 3, file_name: 'a.jpg' }],
        annotations: [{ id: 9, image_id: 3, category_id: 1, bbox: [1, 2, 3, 4], keypoints: [1] }],
      }),
    )
    expect((await refusal('coco', short)).message).toMatch(
      `${short}: annotations[0] (id 9).keypoints: has 1 values, expected 15`,
    )
  })

  it('malformed labelme shapes, with the file, the shape index and the field', async () => {
    const shape = {
      label: 'face',
      shape_type: 'rectangle',
      points: [
        ['1', 2],
        [3, 4],
      ],
    }
    write('lm/a.json', JSON.stringify({ imagePath: 'a.jpg', shapes: [] }))
    const bad = write('lm/b.json', JSON.stringify({ imagePath: 'b.jpg', shapes: [shape] }))
    expect((await refusal('labelme', join(dir, 'lm'))).message).toBe(
      `${bad}: shapes[0] ("face").points[0][0]: expected a number, found "1"`,
    )
  })

  it('a YOLO centre outside the image, at its line', async () => {
    const image = join(sampleDir, 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_174.jpg')
    mkdirSync(join(dir, 'yolo/images'), { recursive: true })
    copyFileSync(image, join(dir, 'yolo/images/a.jpg'))
    const labels = write('yolo/labels/a.txt', '0 0.5 0.5 0.1 0.1\n0 1.4 0.5 0.1 0.1\n')
    expect((await refusal('yolo-face', join(dir, 'yolo'))).message).toMatch(
      new RegExp(`^${labels}:2: cx is 1.4, outside 0\\.\\.1`),
    )
  })

  it('a truncated or fake .mat file, by name', async () => {
    const official = readFileSync(join(sampleDir, 'ground_truth/wider_face_val.mat'))
    const truncated = write('mat/wider_face_val.mat', '')
    writeFileSync(truncated, official.subarray(0, 20800))
    expect((await refusal('wider-mat', join(dir, 'mat'))).message).toMatch(
      `${truncated}: cannot be read as an official WIDER val .mat file`,
    )

    const fake = write('fake/wider_face_val.mat', 'not a mat file at all')
    expect((await refusal('wider-mat', fake)).message).toMatch(
      new RegExp(`^${fake}: cannot be read .*no "MATLAB" header`),
    )
    expect((await refusal('wider-mat', join(dir, 'nothing'))).code).toBe('ENOENT')
    mkdirSync(join(dir, 'empty'))
    expect((await refusal('wider-mat', join(dir, 'empty'))).message).toMatch(
      `${join(dir, 'empty')}: no wider_face_val.mat here`,
    )
  })

  it('review ground truth that is not there keeps ENOENT, which the API reports as not found', () => {
    const dataset = ensureDataset(db, dir)
    const missing = join(dir, 'gt.txt')
    for (const read of [
      () => gtSourceOf(missing),
      () => importGroundTruth(db, dataset.id, missing),
    ])
      expect(read).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    expect(gtSourceOf(join(sampleDir, 'ground_truth/wider_face_val.mat'))).toBe('mat')
  })
})
