import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { exportLabels, type ExportFormat } from '../../src/main/jobs/export-labels'
import { importLabels, type ImportSummary } from '../../src/main/jobs/import-labels'
import { openDatabase, type Db } from '../../src/main/store/database'
import { listDatasets } from '../../src/main/store/datasets'
import { facesForSet } from '../../src/main/store/faces'
import { listImages } from '../../src/main/store/images'
import { listLabelSets } from '../../src/main/store/label-sets'
import { setImageIds } from '../../src/main/store/review'
import { sampleDir } from '../support/shared'

const LABELS = join(sampleDir, 'train/label.txt')
const ROOT = join(sampleDir, 'train')

let dir: string
let db: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-ref-'))
  db = openDatabase(join(dir, 'labels.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The images a set covers, by store path, each with its faces in comparable form. */
function labelsOf(summary: ImportSummary, fields: 'all' | 'geometry' = 'all') {
  const paths = new Map(listImages(db, summary.datasetId).map((i) => [i.id, i.relPath]))
  const faces = facesForSet(db, summary.labelSet.id)
  return Object.fromEntries(
    [...setImageIds(db, summary.labelSet)].map((id) => [
      paths.get(id)!,
      (faces.get(id) ?? []).map(({ box, landmarks, attributes, quality, score }) =>
        fields === 'all' ? { box, landmarks, attributes, quality, score } : { box, landmarks },
      ),
    ]),
  )
}

async function importSample() {
  const first = await importLabels(db, { format: 'retinaface', path: LABELS, name: 'original' })
  expect([first.images, first.faces, first.root]).toEqual([17, 77, ROOT])
  return first
}

async function exportReferenced(first: ImportSummary, format: ExportFormat, split?: boolean) {
  const out = join(dir, format)
  await exportLabels(db, {
    datasetId: first.datasetId,
    format,
    out,
    labelSetId: first.labelSet.id,
    split: split ? { by: 'random', ratios: { train: 0.5, val: 0.5, test: 0 }, seed: 3 } : undefined,
  })
  return out
}

describe('when an export referenced its images instead of copying them', () => {
  it('COCO records the dataset root and comes back to the same dataset without --images', async () => {
    const first = await importSample()
    const out = await exportReferenced(first, 'coco')
    const json = JSON.parse(readFileSync(join(out, 'annotations.json'), 'utf8'))
    expect(json.info.images_dir).toBe(ROOT)
    expect(json.images.map((i: { file_name: string }) => i.file_name)).toEqual(
      listImages(db, first.datasetId).map((i) => i.relPath),
    )

    const again = await importLabels(db, { format: 'coco', path: join(out, 'annotations.json') })
    expect(again.datasetId).toBe(first.datasetId)
    expect([again.images, again.faces, again.missingImages]).toEqual([17, 77, []])
    expect(labelsOf(again)).toEqual(labelsOf(first))

    // The dataset root the CLI prints is also what --images takes.
    const rooted = await importLabels(db, {
      format: 'coco',
      path: join(out, 'annotations.json'),
      images: ROOT,
    })
    expect(rooted.datasetId).toBe(first.datasetId)
    expect(labelsOf(rooted)).toEqual(labelsOf(first))
    expect(listDatasets(db)).toHaveLength(1)
    expect(listImages(db, first.datasetId)).toHaveLength(17)
  })

  it('labelme paths relative to each JSON lead back to the same dataset', async () => {
    const first = await importSample()
    const out = await exportReferenced(first, 'labelme')

    const again = await importLabels(db, { format: 'labelme', path: out })
    expect(again.datasetId).toBe(first.datasetId)
    expect([again.images, again.faces, again.missingImages]).toEqual([17, 77, []])
    expect(labelsOf(again)).toEqual(labelsOf(first))
    expect(listImages(db, first.datasetId)).toHaveLength(17)
  })

  it('YOLO reads the images from all.txt when there is no images folder', async () => {
    const first = await importSample()
    const out = await exportReferenced(first, 'yolo-pose')

    const again = await importLabels(db, { format: 'yolo-pose', path: out })
    expect(again.datasetId).toBe(first.datasetId)
    expect([again.images, again.faces, again.missingImages]).toEqual([17, 77, []])
    expect(labelsOf(again, 'geometry')).toEqual(labelsOf(first, 'geometry'))
  })

  it('YOLO reads one list per split, each with its own labels folder', async () => {
    const first = await importSample()
    const out = await exportReferenced(first, 'yolo-face', true)

    const again = await importLabels(db, { format: 'yolo-face', path: out })
    expect(again.datasetId).toBe(first.datasetId)
    expect([again.images, again.faces]).toEqual([17, 77])
    const boxes = (summary: ImportSummary) =>
      Object.entries(labelsOf(summary, 'geometry')).map(([path, faces]) => [
        path,
        faces.map((face) => face.box),
      ])
    expect(boxes(again).sort()).toEqual(boxes(first).sort())
  })

  it('YOLO without images folder or list says to pass --images', async () => {
    const first = await importSample()
    const out = await exportReferenced(first, 'yolo-face')
    rmSync(join(out, 'all.txt'))

    await expect(importLabels(db, { format: 'yolo-face', path: out })).rejects.toThrow(
      new RegExp(`^${out}: no images folder .*pass --images`),
    )
  })
})

describe('when copied images go out with COCO', () => {
  it('writes file_name relative to the copied images folder, which info records', async () => {
    const first = await importSample()
    const out = join(dir, 'coco')
    await exportLabels(db, {
      datasetId: first.datasetId,
      format: 'coco',
      out,
      labelSetId: first.labelSet.id,
      copyImages: true,
    })
    const json = JSON.parse(readFileSync(join(out, 'annotations.json'), 'utf8'))
    expect(json.info.images_dir).toBe('images')
    expect(json.images[0].file_name).toBe('1--Handshaking/1_Handshaking_Handshaking_1_174.jpg')

    const again = await importLabels(db, { format: 'coco', path: join(out, 'annotations.json') })
    expect([again.root, again.missingImages, again.faces]).toEqual([out, [], 77])
  })
})

describe('when --images is wrong', () => {
  it('refuses to add only phantom images to an existing dataset, naming the folder', async () => {
    const first = await importSample()
    const wrong = importLabels(db, { format: 'retinaface', path: LABELS, images: ROOT })

    await expect(wrong).rejects.toThrow(
      `${LABELS}: none of its 17 images is on disk under --images ${ROOT} `,
    )
    await expect(
      importLabels(db, { format: 'retinaface', path: LABELS, images: ROOT }),
    ).rejects.toThrow(/Pass --images .*, here --images .*train\/images$/)
    expect(listImages(db, first.datasetId)).toHaveLength(17)
    expect(listLabelSets(db, first.datasetId)).toHaveLength(1)
  })

  it('still imports labels of images not on disk into a new dataset, and again into it', async () => {
    const file = join(dir, 'label.txt')
    writeFileSync(file, '# later/a.jpg\n1 2 3 4\n# later/b.jpg\n')
    const once = await importLabels(db, { format: 'retinaface', path: file })
    expect(once.missingImages).toEqual(['later/a.jpg', 'later/b.jpg'])

    // The images are the dataset's own now, so a second import is no phantom.
    const twice = await importLabels(db, { format: 'retinaface', path: file })
    expect([twice.datasetId, twice.faces]).toEqual([once.datasetId, 1])
  })
})
