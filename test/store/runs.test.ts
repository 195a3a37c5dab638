import { beforeEach, describe, expect, it } from 'vitest'

import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { insertFace, listFaces, updateFace } from '../../src/main/store/faces'
import { getImage, markImageUnreadable, upsertImage } from '../../src/main/store/images'
import { annotationSet, listLabelSets, runLabelSet } from '../../src/main/store/label-sets'
import {
  findResumableRun,
  finishRun,
  listRuns,
  pendingImageIds,
  recordDetections,
  recordFailure,
  startRun,
} from '../../src/main/store/runs'
import { detected, drawn, META } from './helpers'

const PARAMS = { mode: 'single', scoreThreshold: 0.02, sizes: [640, 1024] }
const OPTS = { proposalThreshold: 0.5 }

let db: Db
let datasetId: number
let imageIds: number[]
beforeEach(() => {
  db = openDatabase(':memory:')
  datasetId = ensureDataset(db, '/data').id
  imageIds = ['a.jpg', 'b.jpg', 'c.jpg'].map((p) => upsertImage(db, datasetId, p, META).id)
})

function count(sql: string, ...args: unknown[]): number {
  return db
    .prepare(sql)
    .pluck()
    .get(...args) as number
}

describe('detection runs', () => {
  it('creates a predictions set per run and finds the run with equal params, finished or not', () => {
    const run = startRun(db, datasetId, 'retinaface-r50', 'sha', PARAMS)

    expect(runLabelSet(db, run.id)).toMatchObject({ kind: 'predictions', runId: run.id })
    expect(run.params).toEqual(PARAMS)
    // Key order does not matter, any other value does.
    const reordered = { sizes: [640, 1024], scoreThreshold: 0.02, mode: 'single' }
    expect(findResumableRun(db, datasetId, 'retinaface-r50', reordered)?.id).toBe(run.id)
    expect(
      findResumableRun(db, datasetId, 'retinaface-r50', { ...PARAMS, mode: 'multi' }),
    ).toBeUndefined()
    expect(findResumableRun(db, datasetId, 'other-model', PARAMS)).toBeUndefined()

    finishRun(db, run.id)
    expect(findResumableRun(db, datasetId, 'retinaface-r50', PARAMS)?.id).toBe(run.id)
    expect(listRuns(db, datasetId)[0].finishedAt).not.toBeNull()
  })

  it('lists pending images without the done, failed and unreadable ones', () => {
    const run = startRun(db, datasetId, 'm', 'sha', PARAMS)
    const d = upsertImage(db, datasetId, 'd.jpg', META).id
    markImageUnreadable(db, d, 'not an image')

    recordDetections(db, run.id, imageIds[0], [], OPTS)
    recordFailure(db, run.id, imageIds[1], 'decoder crashed')

    expect(pendingImageIds(db, run.id, datasetId)).toEqual([imageIds[2]])
    expect(count("SELECT error FROM run_images WHERE status = 'failed'")).toBe('decoder crashed')
  })

  it('stores predictions and proposals above the threshold, linked to their prediction', () => {
    const run = startRun(db, datasetId, 'm', 'sha', PARAMS)
    const faces = [detected(10, 10, 50, 50, 0.9), detected(200, 10, 50, 50, 0.3)]

    const proposed = recordDetections(db, run.id, imageIds[0], faces, OPTS)

    const predictions = listFaces(db, imageIds[0], runLabelSet(db, run.id)!.id)
    const proposals = listFaces(db, imageIds[0], annotationSet(db, datasetId).id)
    expect(proposed).toBe(1)
    expect(predictions.map((f) => f.score)).toEqual([0.9, 0.3])
    expect(predictions.every((f) => f.source === 'model' && f.runId === run.id)).toBe(true)
    expect(proposals).toHaveLength(1)
    expect(proposals[0]).toMatchObject({ source: 'model', originFaceId: predictions[0].id })
    expect(proposals[0].landmarks).toEqual(faces[0].landmarks)
    expect(count('SELECT face_count FROM run_images WHERE image_id = ?', imageIds[0])).toBe(2)
    expect(getImage(db, imageIds[0])).toMatchObject({ faceCount: 1, proposalCount: 1 })
  })

  it('does not duplicate anything when called twice for the same image', () => {
    const run = startRun(db, datasetId, 'm', 'sha', PARAMS)
    const faces = [detected(10, 10, 50, 50, 0.9), detected(200, 10, 50, 50, 0.8)]

    recordDetections(db, run.id, imageIds[0], faces, OPTS)
    recordDetections(db, run.id, imageIds[0], faces, OPTS)

    expect(count('SELECT COUNT(*) FROM faces')).toBe(4)
    expect(count('SELECT COUNT(*) FROM landmarks')).toBe(20)
    expect(count('SELECT COUNT(*) FROM run_images')).toBe(1)
  })

  it('never overwrites or duplicates a face a person touched, on a rerun', () => {
    const first = startRun(db, datasetId, 'm', 'sha', PARAMS)
    const faces = [detected(10, 10, 50, 50, 0.9), detected(200, 10, 50, 50, 0.8)]
    recordDetections(db, first.id, imageIds[0], faces, OPTS)
    const set = annotationSet(db, datasetId).id
    const [proposal] = listFaces(db, imageIds[0], set)
    updateFace(db, proposal.id, { box: { x: 12, y: 12, width: 48, height: 48 } })
    insertFace(db, set, imageIds[0], drawn(400, 10, 50, 50), 'import')

    const second = startRun(db, datasetId, 'm', 'sha', { ...PARAMS, mode: 'multi' })
    const again = [...faces, detected(402, 12, 50, 50, 0.95), detected(300, 300, 40, 40, 0.7)]
    recordDetections(db, second.id, imageIds[0], again, OPTS)

    const now = listFaces(db, imageIds[0], set)
    const human = now.find((f) => f.id === proposal.id)
    expect(human).toMatchObject({ source: 'human', box: { x: 12, y: 12, width: 48, height: 48 } })
    expect(now.map((f) => f.source).sort()).toEqual(['human', 'import', 'model', 'model'])
    expect(
      now
        .filter((f) => f.source === 'model')
        .map((f) => f.box.x)
        .sort(),
    ).toEqual([200, 300])
    expect(listLabelSets(db, datasetId).filter((s) => s.kind === 'predictions')).toHaveLength(2)
  })
})
