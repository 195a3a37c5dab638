import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { importLabels, type ImportFormat } from '../../src/main/jobs/import-labels'
import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset, listDatasets } from '../../src/main/store/datasets'
import { listImages, upsertImage } from '../../src/main/store/images'
import { getLabelSet } from '../../src/main/store/label-sets'
import { setImageIds } from '../../src/main/store/review'
import { META } from '../store/helpers'
import { sampleDir } from '../support/shared'

let db: Db

/** Every sample photo relative to the sample folder, as `annotate <sample>` stores them. */
function samplePaths(dir = sampleDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return samplePaths(path)
    return entry.name.endsWith('.jpg') ? [relative(sampleDir, path).split(sep).join('/')] : []
  })
}

beforeEach(() => {
  db = openDatabase(':memory:')
  const dataset = ensureDataset(db, sampleDir)
  for (const relPath of samplePaths()) upsertImage(db, dataset.id, relPath, META)
})
afterEach(() => db.close())

describe('labels inside a folder that is already a dataset', () => {
  it.each<[ImportFormat, string]>([
    ['retinaface', 'train/label.txt'],
    ['wider', 'train/wider_face_train_bbx_gt.txt'],
  ])('%s %s joins that dataset with the paths it stores', async (format, file) => {
    const [dataset] = listDatasets(db)
    const before = listImages(db, dataset.id).map((i) => i.relPath)
    expect(before).toHaveLength(40)

    const imported = await importLabels(db, { format, path: join(sampleDir, file) })

    expect(imported.datasetId).toBe(dataset.id)
    expect(imported.root).toBe(sampleDir)
    expect(listDatasets(db)).toHaveLength(1)
    expect(listImages(db, dataset.id).map((i) => i.relPath)).toEqual(before)
    const covered = setImageIds(db, getLabelSet(db, imported.labelSet.id)!)
    const paths = listImages(db, dataset.id)
      .filter((i) => covered.has(i.id))
      .map((i) => i.relPath)
    expect(paths).toHaveLength(17)
    expect(paths.every((p) => p.startsWith('train/images/'))).toBe(true)
    expect(imported.faces).toBe(77)
    expect(imported.missingImages).toEqual([])
  })

  it('the official .mat files join it too, on the val photos it stores', async () => {
    const [dataset] = listDatasets(db)
    const imported = await importLabels(db, {
      format: 'wider-mat',
      path: join(sampleDir, 'ground_truth'),
    })
    expect(imported.datasetId).toBe(dataset.id)
    expect(listDatasets(db)).toHaveLength(1)
    const covered = setImageIds(db, getLabelSet(db, imported.labelSet.id)!)
    const onDisk = listImages(db, dataset.id).filter(
      (i) => covered.has(i.id) && !imported.missingImages.includes(i.relPath),
    )
    expect(onDisk.map((i) => i.relPath).filter((p) => p.startsWith('val/images/'))).toHaveLength(23)
  })

  it('picks the deepest dataset that holds every labelled image', async () => {
    const train = ensureDataset(db, join(sampleDir, 'train'))
    const imported = await importLabels(db, {
      format: 'retinaface',
      path: join(sampleDir, 'train/label.txt'),
    })
    expect(imported.datasetId).toBe(train.id)
    expect(imported.images).toBe(17)
    expect(listDatasets(db)).toHaveLength(2)
  })

  it('still creates a dataset at the images folder parent when none holds the images', async () => {
    const fresh = openDatabase(':memory:')
    try {
      const imported = await importLabels(fresh, {
        format: 'retinaface',
        path: join(sampleDir, 'train/label.txt'),
      })
      expect(imported.root).toBe(join(sampleDir, 'train'))
      expect(imported.faces).toBe(77)
    } finally {
      fresh.close()
    }
  })
})
