import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { annotateFolder } from '../../src/main/jobs/annotate-folder'
import { createAppContext, type AppContext } from '../../src/main/jobs/context'
import { listFaces, updateFace } from '../../src/main/store/faces'
import { listImages } from '../../src/main/store/images'
import { annotationSet } from '../../src/main/store/label-sets'
import { casesDir, modelsDir, sampleDir } from '../support/shared'

const HANDSHAKE = 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg'
const DAMAGED = [
  'BR-17_truncated_60pct.jpg',
  'BR-17_zero_bytes.jpg',
  'BR-17_not_an_image.jpg',
  'BR-17_header_only.jpg',
]

let dir: string
let images: string
let ctx: AppContext

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-annotate-'))
  images = join(dir, 'images')
  mkdirSync(join(images, 'bad'), { recursive: true })
  copyFileSync(join(sampleDir, HANDSHAKE), join(images, 'handshake.jpg'))
  for (const name of DAMAGED)
    copyFileSync(join(casesDir, 'damaged-files', name), join(images, 'bad', name))
  ctx = createAppContext({
    dbFile: join(dir, 'labels.sqlite'),
    modelsDir,
    dataDir: dir,
    workers: 2,
  })
})

afterEach(async () => {
  await ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('when a folder mixes a good photo with damaged files', () => {
  it('annotates the photo and lists every damaged file with a reason', async () => {
    const summary = await annotateFolder(ctx, images)

    expect(summary.images).toBe(5)
    expect(summary.detected).toBe(1)
    expect(summary.failed.map((f) => f.relPath).sort()).toEqual(
      DAMAGED.map((n) => `bad/${n}`).sort(),
    )
    for (const { reason } of summary.failed) expect(reason.length).toBeGreaterThan(5)

    // Three people, plus the face-like shirt print the dynamic model is known to score 0.70.
    const good = listImages(ctx.db, summary.datasetId).find((i) => i.relPath === 'handshake.jpg')!
    expect(good).toMatchObject({ width: 1024, height: 695, error: null, faceCount: 4 })
    const bad = listImages(ctx.db, summary.datasetId).filter((i) => i.error !== null)
    expect(bad).toHaveLength(4)
  })
})

describe('when the same folder is annotated again', () => {
  it('resumes without duplicates and keeps a face a person edited', async () => {
    const first = await annotateFolder(ctx, images)
    const set = annotationSet(ctx.db, first.datasetId)
    const image = listImages(ctx.db, first.datasetId).find((i) => i.relPath === 'handshake.jpg')!
    const [face] = listFaces(ctx.db, image.id, set.id)
    updateFace(ctx.db, face.id, { box: { x: 100.25, y: 50.5, width: 80, height: 90 } })

    const second = await annotateFolder(ctx, images)
    expect(second.runId).toBe(first.runId)
    expect(second.detected).toBe(0)

    const again = await annotateFolder(ctx, images, { detect: { mode: 'letterbox' } })
    expect(again.runId).not.toBe(first.runId)
    expect(again.detected).toBe(1)

    const faces = listFaces(ctx.db, image.id, set.id)
    const edited = faces.find((f) => f.id === face.id)!
    expect(edited.source).toBe('human')
    expect(edited.box).toEqual({ x: 100.25, y: 50.5, width: 80, height: 90 })
    expect(faces.filter((f) => f.source === 'model')).toHaveLength(3)
  })
})
