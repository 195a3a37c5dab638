import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, describe, expect, it } from 'vitest'

import { openDatabase, type Db } from '../../src/main/store/database'
import { ensureDataset } from '../../src/main/store/datasets'
import { insertFace, listFaces } from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { annotationSet, runLabelSet } from '../../src/main/store/label-sets'
import {
  findResumableRun,
  pendingImageIds,
  recordDetections,
  startRun,
} from '../../src/main/store/runs'
import { facesFor, PROPOSAL_THRESHOLD, SCORES } from './fixtures/crash-faces'
import { drawn, META } from './helpers'

const here = dirname(fileURLToPath(import.meta.url))
const IMAGES = 3000
const PARAMS = { mode: 'single', size: 640 }

/** Run the recording loop in a child and SIGKILL it once `after` images are reported. */
function recordUntilKilled(file: string, after: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'fixtures/record-loop.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const reported: number[] = []
    let buffer = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      for (const line of lines) if (line.startsWith('done ')) reported.push(Number(line.slice(5)))
      if (reported.length >= after) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(reported)
      else reject(new Error(`the child finished before it was killed (${reported.length} images)`))
    })
  })
}

describe('when the recording process is killed mid-batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facemark-crash-'))
  const file = join(dir, 'store.sqlite')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps every committed image intact and resumes without duplicates', async () => {
    // A dataset, a run and one face a person drew over the first detection of image 1.
    const setup = openDatabase(file)
    const datasetId = ensureDataset(setup, '/data').id
    setup.transaction(() => {
      for (let i = 0; i < IMAGES; i++) upsertImage(setup, datasetId, `e/${i}.jpg`, META)
    })()
    const run = startRun(setup, datasetId, 'retinaface', 'sha', PARAMS)
    const annotation = annotationSet(setup, datasetId).id
    const firstBox = facesFor(1)[0].box
    const human = insertFace(
      setup,
      annotation,
      1,
      drawn(firstBox.x + 2, firstBox.y, 50, 50),
      'human',
    )
    setup.close()

    const reported = await recordUntilKilled(file, 200)

    const db = openDatabase(file)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const done = db
      .prepare('SELECT image_id FROM run_images WHERE run_id = ?')
      .pluck()
      .all(run.id) as number[]
    expect(done.length).toBeGreaterThanOrEqual(reported.length)
    expect(done.length).toBeLessThan(IMAGES)
    expect(new Set(done)).toEqual(new Set([...reported, ...done]))
    checkConsistent(db, run.id, annotation, human.id)

    // The same parameters find the killed run, which then finishes the remaining images.
    const resumed = findResumableRun(db, datasetId, 'retinaface', PARAMS)
    expect(resumed?.id).toBe(run.id)
    const pending = pendingImageIds(db, run.id, datasetId)
    expect(pending.length).toBe(IMAGES - done.length)
    for (const imageId of pending) {
      recordDetections(db, run.id, imageId, facesFor(imageId), {
        proposalThreshold: PROPOSAL_THRESHOLD,
      })
    }

    expect(pendingImageIds(db, run.id, datasetId)).toEqual([])
    checkConsistent(db, run.id, annotation, human.id)
    const predictionSet = runLabelSet(db, run.id)!.id
    expect(countFaces(db, predictionSet)).toBe(IMAGES * SCORES.length)
    expect(countFaces(db, annotation)).toBe(IMAGES * 3)
    db.close()
  })
})

function countFaces(db: Db, labelSetId: number): number {
  return db
    .prepare('SELECT COUNT(*) FROM faces WHERE label_set_id = ?')
    .pluck()
    .get(labelSetId) as number
}

/** Every recorded image has all its faces, every other image none; the human face is intact. */
function checkConsistent(db: Db, runId: number, annotation: number, humanId: number): void {
  const predictionSet = runLabelSet(db, runId)!.id
  const perImage = db
    .prepare(
      `SELECT i.id, r.face_count,
         (SELECT COUNT(*) FROM faces f WHERE f.image_id = i.id AND f.label_set_id = ?) AS predicted,
         (SELECT COUNT(*) FROM faces f WHERE f.image_id = i.id AND f.label_set_id = ?
            AND f.source = 'model') AS proposed
       FROM images i LEFT JOIN run_images r ON r.image_id = i.id AND r.run_id = ?`,
    )
    .all(predictionSet, annotation, runId) as {
    id: number
    face_count: number | null
    predicted: number
    proposed: number
  }[]

  for (const row of perImage) {
    const expected = row.face_count === null ? [0, 0] : [SCORES.length, row.id === 1 ? 2 : 3]
    expect([row.id, row.predicted, row.proposed]).toEqual([row.id, ...expected])
  }
  const landmarkRows = db.prepare('SELECT COUNT(*) FROM landmarks').pluck().get() as number
  const faceRows = db
    .prepare('SELECT COUNT(*) FROM faces WHERE source = ?')
    .pluck()
    .get('model') as number
  expect(landmarkRows).toBe(faceRows * 5)

  const humanFace = listFaces(db, 1, annotation).find((f) => f.id === humanId)
  expect(humanFace).toMatchObject({ source: 'human', box: { x: 12, y: 11, width: 50, height: 50 } })
}
