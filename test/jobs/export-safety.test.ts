import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { exportLabels } from '../../src/main/jobs/export-labels'
import { importLabels, type ImportSummary } from '../../src/main/jobs/import-labels'
import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { upsertImage } from '../../src/main/store/images'
import { sampleDir } from '../support/shared'

let dir: string
let db: Db
let labels: ImportSummary

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-export-safety-'))
  db = openDatabase(join(dir, 'labels.sqlite'))
  labels = await importLabels(db, {
    format: 'retinaface',
    path: join(sampleDir, 'train/label.txt'),
  })
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const exportTo = (out: string, overwrite?: boolean) =>
  exportLabels(db, {
    datasetId: labels.datasetId,
    format: 'coco',
    out,
    labelSetId: labels.labelSet.id,
    overwrite,
  })

describe('when the export path already holds something', () => {
  it('refuses a folder that is not empty and leaves it as it was', async () => {
    const out = join(dir, 'work')
    mkdirSync(out)
    writeFileSync(join(out, 'notes.txt'), 'a day of work')

    await expect(exportTo(out)).rejects.toThrow(/work already exists and is not empty; choose/)
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('a day of work')
  })

  it('refuses a file, and replaces either only when asked', async () => {
    const file = join(dir, 'labels.json')
    writeFileSync(file, '{}')
    await expect(exportTo(file)).rejects.toThrow(/labels.json already exists; choose a new path/)

    const summary = await exportTo(file, true)
    expect(summary.faces).toBe(77)
    expect(existsSync(join(file, 'annotations.json'))).toBe(true)
  })

  it('writes into an empty folder without being asked', async () => {
    const out = join(dir, 'empty')
    mkdirSync(out)
    expect((await exportTo(out)).images).toBe(17)
  })

  it("never replaces the dataset's images or the label store, even when asked", async () => {
    // A dataset of its own under the temporary folder: a failing check must cost nothing real.
    const root = join(dir, 'photos')
    mkdirSync(join(root, 'a'), { recursive: true })
    writeFileSync(join(root, 'a', 'kept.jpg'), 'stand-in')
    const datasetId = ensureDataset(db, root).id
    const into = (out: string) =>
      exportLabels(db, { datasetId, format: 'coco', out, overwrite: true })

    await expect(into(root)).rejects.toThrow(/holds the dataset's images/)
    await expect(into(dir)).rejects.toThrow(/holds the dataset's images/)
    await expect(exportTo(join(dir, 'labels.sqlite'), true)).rejects.toThrow(/label store/)
    expect(existsSync(join(root, 'a', 'kept.jpg'))).toBe(true)
    expect(existsSync(join(dir, 'labels.sqlite'))).toBe(true)
  })
})

describe('when a ground-truth set labels only some images of its dataset', () => {
  it('exports the images it labels, not the others as faceless', async () => {
    upsertImage(db, labels.datasetId, 'images/unlabelled/other.jpg', {
      width: 100,
      height: 100,
      orientation: 1,
      sha256: null,
      byteSize: null,
    })

    const summary = await exportTo(join(dir, 'gt'))

    expect([summary.images, summary.faces, summary.notInSet]).toEqual([17, 77, 1])
    const coco = JSON.parse(readFileSync(join(dir, 'gt', 'annotations.json'), 'utf8'))
    const names: string[] = coco.images.map((i: { file_name: string }) => i.file_name)
    expect(names.some((name) => name.includes('unlabelled'))).toBe(false)
  })
})
