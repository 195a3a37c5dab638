import { beforeEach, describe, expect, it } from 'vitest'

import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset, getDataset, listDatasets } from '../../src/main/store/datasets'
import { insertFace } from '../../src/main/store/faces'
import {
  getImage,
  listImages,
  markImageUnreadable,
  setImageStatus,
  upsertImage,
} from '../../src/main/store/images'
import { annotationSet, createLabelSet, listLabelSets } from '../../src/main/store/label-sets'
import { drawn, META } from './helpers'

let db: Db
beforeEach(() => {
  db = openDatabase(':memory:')
})

describe('datasets', () => {
  it('creates a dataset once per root and names it after the folder', () => {
    const a = ensureDataset(db, '/data/Fotos été #1 100%')
    const b = ensureDataset(db, '/data/Fotos été #1 100%', 'other name')

    expect(b).toEqual(a)
    expect(a.name).toBe('Fotos été #1 100%')
    expect(getDataset(db, a.id)).toEqual(a)
    expect(getDataset(db, 999)).toBeUndefined()
    expect(listDatasets(db)).toEqual([a])
  })
})

describe('images', () => {
  it('upserts idempotently on (dataset, relPath) and keeps names byte-exact', () => {
    const ds = ensureDataset(db, '/data')
    const nfd = 'e\u0301 nfd.jpg'
    const first = upsertImage(db, ds.id, nfd, META)
    const second = upsertImage(db, ds.id, nfd, { ...META, width: 800, sha256: null })

    expect(second.id).toBe(first.id)
    expect(second.width).toBe(800)
    expect(second.sha256).toBe('abc')
    expect(second.relPath).toBe(nfd)
    expect(listImages(db, ds.id).map((i) => i.relPath)).toEqual([nfd])
  })

  it('records and clears a read error', () => {
    const ds = ensureDataset(db, '/data')
    const img = upsertImage(db, ds.id, 'broken.jpg', META)

    markImageUnreadable(db, img.id, 'The file is truncated; re-copy it.')
    expect(getImage(db, img.id)?.error).toBe('The file is truncated; re-copy it.')

    upsertImage(db, ds.id, 'broken.jpg', META)
    expect(getImage(db, img.id)?.error).toBeNull()
  })

  it('counts annotation faces and proposals and filters by status and source', () => {
    const ds = ensureDataset(db, '/data')
    const set = annotationSet(db, ds.id)
    const other = createLabelSet(db, ds.id, 'ground_truth', 'wider')
    const a = upsertImage(db, ds.id, 'a.jpg', META)
    const b = upsertImage(db, ds.id, 'b.jpg', META)
    insertFace(db, set.id, a.id, drawn(0, 0, 10, 10), 'model')
    insertFace(db, set.id, a.id, drawn(50, 0, 10, 10), 'human')
    insertFace(db, other.id, b.id, drawn(0, 0, 10, 10), 'import')
    setImageStatus(db, b.id, 'done')

    const all = listImages(db, ds.id)
    expect(all.map((i) => [i.relPath, i.faceCount, i.proposalCount])).toEqual([
      ['a.jpg', 2, 1],
      ['b.jpg', 0, 0],
    ])
    expect(getImage(db, a.id)).toEqual(all[0])
    expect(listImages(db, ds.id, { status: 'done' }).map((i) => i.id)).toEqual([b.id])
    expect(listImages(db, ds.id, { source: 'human' }).map((i) => i.id)).toEqual([a.id])
    expect(listImages(db, ds.id, { source: 'import' })).toEqual([])
  })

  it('lists 20,000 images with counts quickly', () => {
    const ds = ensureDataset(db, '/big')
    const set = annotationSet(db, ds.id)
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        const img = upsertImage(db, ds.id, `e/${i}.jpg`, META)
        if (i % 3 === 0) insertFace(db, set.id, img.id, drawn(0, 0, 10, 10), 'model')
      }
    })()

    const started = performance.now()
    const images = listImages(db, ds.id)
    const ms = performance.now() - started

    expect(images).toHaveLength(20_000)
    expect(images.reduce((n, i) => n + i.proposalCount, 0)).toBe(6667)
    expect(ms).toBeLessThan(2000)
  })
})

describe('label sets', () => {
  it('keeps exactly one annotation set per dataset', () => {
    const ds = ensureDataset(db, '/data')
    const first = annotationSet(db, ds.id)

    expect(annotationSet(db, ds.id)).toEqual(first)
    expect(() => createLabelSet(db, ds.id, 'annotation', 'second')).toThrow()
    expect(listLabelSets(db, ds.id)).toEqual([first])
  })
})
