import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { annotateFolder } from '../../src/main/jobs/annotate-folder'
import { createAppContext, type AppContext } from '../../src/main/jobs/context'
import { listImages, upsertImage } from '../../src/main/store/images'
import { modelsDir, sampleDir } from '../support/shared'

const HANDSHAKE = 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg'

let dir: string
let images: string
let ctx: AppContext

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-replaced-'))
  images = join(dir, 'images')
  mkdirSync(images)
  ctx = createAppContext({ dbFile: join(dir, 'labels.sqlite'), modelsDir, dataDir: dir })
})

afterEach(async () => {
  await ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('when a file is replaced between two runs', () => {
  it('detects again on a damaged file that was replaced by a good photo', async () => {
    const photo = join(images, 'photo.jpg')
    writeFileSync(photo, '')

    const first = await annotateFolder(ctx, images)
    expect(first.failed.map((f) => f.relPath)).toEqual(['photo.jpg'])
    expect(listImages(ctx.db, first.datasetId)[0].error).not.toBeNull()

    copyFileSync(join(sampleDir, HANDSHAKE), photo)
    const second = await annotateFolder(ctx, images)

    expect(second.runId).toBe(first.runId)
    expect(second.detected).toBe(1)
    expect(second.failed).toEqual([])
    expect(listImages(ctx.db, second.datasetId)[0]).toMatchObject({
      width: 1024,
      height: 695,
      error: null,
      faceCount: 4,
    })
  })

  it('skips an unchanged folder without detecting again', async () => {
    copyFileSync(join(sampleDir, HANDSHAKE), join(images, 'photo.jpg'))

    const first = await annotateFolder(ctx, images)
    const second = await annotateFolder(ctx, images)

    expect(first.detected).toBe(1)
    expect(second).toMatchObject({ runId: first.runId, detected: 0, skipped: 1 })
  })

  it('leaves images a label import registered but the folder lacks alone', async () => {
    copyFileSync(join(sampleDir, HANDSHAKE), join(images, 'photo.jpg'))
    const first = await annotateFolder(ctx, images)
    upsertImage(ctx.db, first.datasetId, 'elsewhere/missing.jpg', {
      width: null,
      height: null,
      orientation: 1,
      sha256: null,
      byteSize: null,
    })

    // Another threshold is another run, which has every image still to do.
    const second = await annotateFolder(ctx, images, { proposalThreshold: 0.9 })

    expect(second.runId).not.toBe(first.runId)
    expect([second.images, second.detected, second.failed]).toEqual([1, 1, []])
    const missing = listImages(ctx.db, first.datasetId).find((i) => i.relPath.includes('missing'))
    expect(missing?.error).toBeNull()
  })
})
