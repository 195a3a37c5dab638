import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { exportLabels, type ExportFormat } from '../../src/main/jobs/export-labels'
import { importLabels } from '../../src/main/jobs/import-labels'
import { openDatabase, type Db } from '../../src/main/store/database'
import { sampleDir } from '../support/shared'

let dir: string
let db: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-empty-export-'))
  db = openDatabase(join(dir, 'labels.sqlite'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('when the filter keeps no image', () => {
  const FORMATS: ExportFormat[] = [
    'wider',
    'retinaface',
    'coco',
    'yolo-face',
    'yolo-pose',
    'labelme',
    'aligned',
  ]

  for (const format of FORMATS) {
    it(`${format}: writes the format's empty dataset and leaves no temporary path`, async () => {
      const imported = await importLabels(db, {
        format: 'retinaface',
        path: join(sampleDir, 'train/label.txt'),
      })
      // Imported images are `todo`: nobody has marked one done yet.
      const out = join(dir, format)
      const summary = await exportLabels(db, {
        datasetId: imported.datasetId,
        format,
        out,
        labelSetId: imported.labelSet.id,
        filter: { status: ['done'] },
      })

      expect(summary.images).toBe(0)
      expect(summary.faces).toBe(0)
      expect(summary.filteredImages).toBe(17)
      expect(existsSync(out)).toBe(true)
      expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([])
      if (format === 'coco') {
        const coco = JSON.parse(readFileSync(join(out, 'annotations.json'), 'utf8'))
        expect(coco.images).toEqual([])
        expect(coco.annotations).toEqual([])
      }
      if (format === 'labelme' || format === 'aligned') {
        expect(statSync(out).isDirectory()).toBe(true)
        expect(readdirSync(out)).toEqual([])
      }
    })
  }

  it('wider-predictions: writes an empty prediction folder', async () => {
    const imported = await importLabels(db, {
      format: 'retinaface',
      path: join(sampleDir, 'train/label.txt'),
    })
    const out = join(dir, 'predictions')
    const summary = await exportLabels(db, {
      datasetId: imported.datasetId,
      format: 'wider-predictions',
      out,
      labelSetId: imported.labelSet.id,
      filter: { status: ['done'] },
    })

    expect(summary.images).toBe(0)
    expect(readdirSync(out)).toEqual([])
  })
})
