import { beforeEach, describe, expect, it } from 'vitest'

import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import {
  deleteFace,
  facesForSet,
  getFace,
  insertFace,
  listFaces,
  updateFace,
} from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { annotationSet } from '../../src/main/store/label-sets'
import { detected, drawn, META } from './helpers'

let db: Db
let setId: number
let imageId: number
beforeEach(() => {
  db = openDatabase(':memory:')
  const ds = ensureDataset(db, '/data')
  setId = annotationSet(db, ds.id).id
  imageId = upsertImage(db, ds.id, 'a.jpg', META).id
})

describe('faces', () => {
  it('stores a face with five ordered landmarks and reads it back equal', () => {
    const label = {
      ...drawn(10.5, 20.25, 30, 40),
      score: 0.9,
      landmarks: detected(10.5, 20.25, 30, 40, 0.9).landmarks,
      quality: 0.82,
    }
    label.landmarks[3] = { x: 20, y: 50, visibility: 'occluded' }
    label.attributes = { ...label.attributes, blur: 2, occlusion: 1, invalid: true }

    const stored = insertFace(db, setId, imageId, label, 'import')
    const [read] = listFaces(db, imageId, setId)

    expect(read).toEqual(stored)
    expect(read).toMatchObject(label)
    expect(read.landmarks.map((p) => p.visibility)).toEqual([
      'visible',
      'visible',
      'visible',
      'occluded',
      'visible',
    ])
  })

  it('returns [] landmarks for a face without any and refuses partial sets', () => {
    insertFace(db, setId, imageId, drawn(0, 0, 5, 5), 'human')
    expect(listFaces(db, imageId, setId)[0].landmarks).toEqual([])

    const partial = {
      ...drawn(0, 0, 5, 5),
      landmarks: detected(0, 0, 5, 5, 1).landmarks.slice(0, 3),
    }
    expect(() => insertFace(db, setId, imageId, partial, 'human')).toThrow(/five landmarks/)
  })

  it('turns an edited proposal into a human face and bumps updated_at', async () => {
    const face = insertFace(db, setId, imageId, { ...drawn(0, 0, 5, 5), score: 0.7 }, 'model')
    await new Promise((r) => setTimeout(r, 5))

    const edited = updateFace(db, face.id, { box: { x: 1, y: 1, width: 6, height: 6 } })

    expect(edited?.source).toBe('human')
    expect(edited?.box).toEqual({ x: 1, y: 1, width: 6, height: 6 })
    expect(edited?.score).toBe(0.7)
    expect(edited!.updatedAt > face.updatedAt).toBe(true)
    expect(getFace(db, face.id)).toEqual(edited)
  })

  it('replaces landmarks on update and keeps an import face an import', () => {
    const face = insertFace(db, setId, imageId, drawn(0, 0, 10, 10), 'import')
    const points = detected(0, 0, 10, 10, 1).landmarks

    const edited = updateFace(db, face.id, { landmarks: points })

    expect(edited?.source).toBe('import')
    expect(getFace(db, face.id)?.landmarks).toEqual(points)
    expect(updateFace(db, 999, { score: 1 })).toBeUndefined()
  })

  it('deletes a face together with its landmarks', () => {
    const face = insertFace(
      db,
      setId,
      imageId,
      { ...drawn(0, 0, 10, 10), landmarks: detected(0, 0, 10, 10, 1).landmarks },
      'human',
    )

    expect(deleteFace(db, face.id)).toBe(true)
    expect(deleteFace(db, face.id)).toBe(false)
    expect(db.prepare('SELECT COUNT(*) FROM landmarks').pluck().get()).toBe(0)
  })

  it('groups a whole set by image in one call', () => {
    const ds = ensureDataset(db, '/data')
    const other = upsertImage(db, ds.id, 'b.jpg', META).id
    insertFace(db, setId, imageId, drawn(0, 0, 5, 5), 'human')
    insertFace(db, setId, other, drawn(1, 1, 5, 5), 'human')
    insertFace(
      db,
      setId,
      imageId,
      { ...drawn(2, 2, 5, 5), landmarks: detected(2, 2, 5, 5, 1).landmarks },
      'human',
    )

    const byImage = facesForSet(db, setId)

    expect([...byImage.keys()].sort()).toEqual([imageId, other].sort())
    expect(byImage.get(imageId)).toEqual(listFaces(db, imageId, setId))
    expect(byImage.get(other)).toEqual(listFaces(db, other, setId))
  })
})
