import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { FaceLabel } from '../../src/shared/face'
import { parseWiderGt } from '../../src/main/formats/wider-gt'
import { exportLabels, type ExportFormat } from '../../src/main/jobs/export-labels'
import { importLabels, type ImportFormat } from '../../src/main/jobs/import-labels'
import { openDatabase, type Db } from '../../src/main/store/database'
import { facesForSet } from '../../src/main/store/faces'
import { setFaceIdentity } from '../../src/main/store/identities'
import { listImages } from '../../src/main/store/images'
import { listLabelSets } from '../../src/main/store/label-sets'
import { casesDir, sampleDir } from '../support/shared'

let dir: string
let db: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-io-'))
  db = openDatabase(join(dir, 'labels.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Faces of a set keyed by image path, in a form to compare field by field. */
function facesByPath(labelSetId: number, datasetId: number) {
  const paths = new Map(listImages(db, datasetId).map((i) => [i.id, i.relPath]))
  const result = new Map<string, unknown[]>()
  for (const [imageId, faces] of facesForSet(db, labelSetId)) {
    result.set(
      paths.get(imageId)!.replace(/^.*images\//, ''),
      faces.map(({ box, landmarks, attributes, quality, score }) => ({
        box,
        landmarks,
        attributes,
        quality,
        score,
      })),
    )
  }
  return result
}

/** What each format carries; the rest is compared after resetting it to the default. */
const CARRIES: Record<
  string,
  { landmarks: 'all' | 'points' | 'none'; attributes: boolean; quality: boolean }
> = {
  wider: { landmarks: 'none', attributes: true, quality: false },
  retinaface: { landmarks: 'all', attributes: false, quality: true },
  coco: { landmarks: 'all', attributes: true, quality: true },
  labelme: { landmarks: 'all', attributes: true, quality: true },
  'yolo-face': { landmarks: 'points', attributes: false, quality: false },
  'yolo-pose': { landmarks: 'all', attributes: false, quality: false },
}

function expectedAfter(format: string, faces: unknown[]) {
  const carries = CARRIES[format]
  return (faces as FaceLabel[]).map((f) => ({
    ...f,
    landmarks:
      carries.landmarks === 'none'
        ? []
        : carries.landmarks === 'points'
          ? f.landmarks.map((p) => ({
              ...p,
              visibility: p.visibility === 'occluded' ? 'visible' : p.visibility,
            }))
          : f.landmarks,
    attributes: carries.attributes
      ? f.attributes
      : { blur: 0, expression: 0, illumination: 0, occlusion: 0, pose: 0, invalid: false },
    quality: carries.quality ? f.quality : null,
  }))
}

describe('when the sample RetinaFace train labels go out and back in every format', () => {
  const FORMATS: [ExportFormat & ImportFormat, (out: string) => string][] = [
    ['wider', (out) => join(out, 'wider_face_split/wider_face_all_bbx_gt.txt')],
    ['retinaface', (out) => join(out, 'label.txt')],
    ['coco', (out) => join(out, 'annotations.json')],
    ['yolo-face', (out) => out],
    ['yolo-pose', (out) => out],
    ['labelme', (out) => out],
  ]

  for (const [format, labelPath] of FORMATS) {
    it(`${format}: import, export, import gives the same faces field by field`, async () => {
      const first = await importLabels(db, {
        format: 'retinaface',
        path: join(sampleDir, 'train/label.txt'),
        name: 'original',
      })
      expect(first.images).toBe(17)
      expect(first.faces).toBe(77)

      const out = join(dir, format)
      const exported = await exportLabels(db, {
        datasetId: first.datasetId,
        format,
        out,
        labelSetId: first.labelSet.id,
        copyImages: true,
      })
      expect(exported.faces).toBe(77)
      expect(exported.stats.copied).toBe(17)

      const second = await importLabels(db, { format, path: labelPath(out), name: 'again' })
      expect(second.faces).toBe(77)
      expect(second.missingImages).toEqual([])

      const before = facesByPath(first.labelSet.id, first.datasetId)
      const after = facesByPath(second.labelSet.id, second.datasetId)
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
      for (const [path, faces] of before)
        expect(after.get(path)).toEqual(expectedAfter(format, faces))
    })
  }
})

describe('when WIDER ground truth has zero-face images', () => {
  const folder = join(casesDir, 'wider-zero-faces')

  it('imports both files identically and exports the official empty-image form', async () => {
    const a = await importLabels(db, {
      format: 'wider',
      path: join(folder, 'wider_face_split/wider_face_val_bbx_gt.txt'),
    })
    const b = await importLabels(db, {
      format: 'wider',
      path: join(folder, 'wider_face_split/wider_face_val_bbx_gt_nodummy.txt'),
    })
    expect(a.datasetId).toBe(b.datasetId)
    expect(a.images).toBe(3)
    expect(a.missingImages).toEqual([])
    expect(facesByPath(b.labelSet.id, b.datasetId)).toEqual(facesByPath(a.labelSet.id, a.datasetId))

    const counts = new Map(listImages(db, a.datasetId).map((i) => [i.relPath, i]))
    expect(counts.get('images/0--Parade/0_Parade_empty.jpg')?.width).toBeGreaterThan(0)

    const out = join(dir, 'gt.txt')
    await exportLabels(db, {
      datasetId: a.datasetId,
      format: 'wider',
      out,
      labelSetId: a.labelSet.id,
    })
    const lines = readFileSync(out, 'utf8').split('\n')
    const at = lines.indexOf('0--Parade/0_Parade_empty.jpg')
    expect(lines.slice(at, at + 3).map((l) => l.trimEnd())).toEqual([
      '0--Parade/0_Parade_empty.jpg',
      '0',
      '0 0 0 0 0 0 0 0 0 0',
    ])
  })
})

describe('when boxes are degenerate', () => {
  it('keeps all 8, reports them by line and round-trips invalid and floats', async () => {
    const gt = join(casesDir, 'wider-degenerate-boxes/wider_face_split/wider_face_val_bbx_gt.txt')
    const imported = await importLabels(db, { format: 'wider', path: gt })
    expect(imported.faces).toBe(8)
    expect(imported.problems.map((p) => p.line)).toEqual(expect.arrayContaining([4, 5, 6, 7, 9]))
    expect(imported.problems.every((p) => p.file === gt)).toBe(true)

    const out = join(dir, 'gt.txt')
    await exportLabels(db, {
      datasetId: imported.datasetId,
      format: 'wider',
      out,
      labelSetId: imported.labelSet.id,
    })
    const faces = parseWiderGt(readFileSync(out, 'utf8'))[0].faces
    expect(faces.map((f) => f.attributes.invalid)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
    ])
    expect(faces[7].box).toEqual({ x: 10.5, y: 200.25, width: 30.75, height: 20.5 })
  })
})

describe('when a label file is malformed', () => {
  it('names the file and line and writes nothing', async () => {
    const file = join(dir, 'label.txt')
    writeFileSync(file, '# a.jpg\n1 2 3 4\n# b.jpg\n1 2 3 4 5\n')
    await expect(importLabels(db, { format: 'retinaface', path: file })).rejects.toThrow(
      `${file}:4:`,
    )
    expect(db.prepare('SELECT COUNT(*) FROM faces').pluck().get()).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM images').pluck().get()).toBe(0)
  })

  it('registers images that are not on disk and says which', async () => {
    const file = join(dir, 'label.txt')
    writeFileSync(file, '# gone/x.jpg\r\n1 2 3 4  \r\n')
    const summary = await importLabels(db, { format: 'retinaface', path: file })
    expect(summary.missingImages).toEqual(['gone/x.jpg'])
    expect(summary.faces).toBe(1)
  })
})

describe('when names are awkward', () => {
  it('exports and re-imports every file under its exact original bytes', async () => {
    const folder = join(casesDir, 'awkward-names', 'Fotos été #1 100%')
    const names = readdirSync(folder)
    const gt = join(dir, 'gt.txt')
    writeFileSync(gt, names.map((n) => `${n}\n1\n10 10 40 50 0 0 0 0 0 0 \n`).join(''))
    const first = await importLabels(db, { format: 'wider', path: gt, images: folder })
    expect(first.missingImages).toEqual([])
    expect(first.unreadableImages).toEqual([])

    for (const format of ['coco', 'labelme', 'yolo-pose', 'retinaface'] as const) {
      const out = join(dir, `out-${format}`)
      await exportLabels(db, {
        datasetId: first.datasetId,
        format,
        out,
        labelSetId: first.labelSet.id,
        copyImages: true,
      })
      const copied = format === 'labelme' ? out : join(out, 'images')
      const bytes = (list: string[]) =>
        list
          .filter((n) => !n.endsWith('.json'))
          .map((n) => Buffer.from(n).toString('hex'))
          .sort()
      expect(bytes(readdirSync(copied))).toEqual(bytes(names))

      const path =
        format === 'coco'
          ? join(out, 'annotations.json')
          : format === 'retinaface'
            ? join(out, 'label.txt')
            : out
      const again = await importLabels(db, { format, path })
      const relPaths = listImages(db, again.datasetId).map((i) =>
        Buffer.from(i.relPath.split('/').pop()!).toString('hex'),
      )
      expect(relPaths.sort()).toEqual(bytes(names))
      expect(again.faces).toBe(names.length)
    }
  })
})

describe('when exporting with a split, filters and identities', () => {
  it('splits by event deterministically, filters, and writes aligned crops per identity', async () => {
    const first = await importLabels(db, {
      format: 'retinaface',
      path: join(sampleDir, 'train/label.txt'),
    })
    const faces = [...facesForSet(db, first.labelSet.id).values()].flat()
    setFaceIdentity(db, faces[0].id, 'alice')

    const run = (out: string) =>
      exportLabels(db, {
        datasetId: first.datasetId,
        format: 'aligned',
        out: join(dir, out),
        labelSetId: first.labelSet.id,
        split: { by: 'event', ratios: { train: 0.5, val: 0.5, test: 0 }, seed: 7 },
        filter: { minFaceSize: 40 },
      })
    const a = await run('a')
    const b = await run('b')
    expect(a.splits).toEqual(b.splits)
    expect(Object.keys(a.splits).sort()).toEqual(['train', 'val'])
    expect(a.faces + a.filteredFaces).toBe(77)
    expect(a.stats.crops).toBe(a.faces - a.stats.unalignable)

    const alice = Object.keys(a.splits)
      .map((s) => join(dir, 'a', s, 'alice'))
      .find((p) => existsSync(p))
    expect(readdirSync(alice!)).toHaveLength(1)
    expect(listLabelSets(db, first.datasetId).map((s) => s.kind)).toEqual(['ground_truth'])
  })

  it('leaves nothing at the output path when cancelled', async () => {
    const first = await importLabels(db, {
      format: 'retinaface',
      path: join(sampleDir, 'train/label.txt'),
    })
    const abort = new AbortController()
    const out = join(dir, 'cancelled')
    const job = exportLabels(db, {
      datasetId: first.datasetId,
      format: 'labelme',
      out,
      labelSetId: first.labelSet.id,
      signal: abort.signal,
      onProgress: (p) => p.done === 3 && abort.abort(),
    })
    await expect(job).rejects.toThrow(/cancelled/)
    expect(readdirSync(dir).filter((n) => n.startsWith('cancelled'))).toEqual([])
  })
})
