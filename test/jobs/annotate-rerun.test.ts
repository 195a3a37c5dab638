import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { annotateFolder } from '../../src/main/jobs/annotate-folder'
import { createAppContext, type AppContext } from '../../src/main/jobs/context'
import { scanFolder } from '../../src/main/jobs/scan-folder'
import { casesDir, modelsDir, sampleDir } from '../support/shared'

const HANDSHAKE = 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg'

let dir: string
let ctx: AppContext

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-rerun-'))
  ctx = createAppContext({ dbFile: join(dir, 'labels.sqlite'), modelsDir, dataDir: dir })
})

afterEach(async () => {
  await ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('annotating a folder with damaged files again', () => {
  it('still lists the files that stay unreadable, with the reason stored the first time', async () => {
    const images = join(dir, 'damaged')
    cpSync(join(casesDir, 'damaged-files'), images, { recursive: true })

    const first = await annotateFolder(ctx, images)
    expect(first.failed.length).toBeGreaterThan(0)
    const second = await annotateFolder(ctx, images)

    expect(second.runId).toBe(first.runId)
    expect(second.detected).toBe(0)
    expect(second.failed).toEqual(
      [...first.failed].sort((a, b) => (a.relPath < b.relPath ? -1 : 1)),
    )
    expect(second.skipped).toBe(second.images - first.failed.length)
    expect(second.skipped + second.failed.length).toBe(first.images)
  })
})

describe('symbolic links in the folder', () => {
  it('takes a link to an image file under its own path, and leaves linked folders out', async () => {
    const store = join(dir, 'store')
    const images = join(dir, 'images')
    mkdirSync(store)
    mkdirSync(images)
    cpSync(join(sampleDir, HANDSHAKE), join(store, 'photo.jpg'))
    symlinkSync(join(store, 'photo.jpg'), join(images, 'linked.jpg'))
    symlinkSync(store, join(images, 'folder-link'))
    symlinkSync(images, join(images, 'loop'))
    symlinkSync(join(store, 'gone.jpg'), join(images, 'broken.jpg'))

    const files = await scanFolder(images)
    expect(files.map((f) => f.relPath)).toEqual(['linked.jpg'])
    expect(files[0].byteSize).toBeGreaterThan(0)

    const summary = await annotateFolder(ctx, images)
    expect(summary).toMatchObject({ images: 1, detected: 1, failed: [] })
    expect(summary.faces).toBeGreaterThan(0)
  })
})
