import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'

import type { ApiResult } from '../../src/shared/api-error'
import type { JobInfo, OpenDatasetResponse } from '../../src/shared/api'
import { createApi, type ApiService } from '../../src/main/api/handlers'
import type { AppContext } from '../../src/main/jobs/context'
import { ensureDataset } from '../../src/main/store/datasets'
import { markImageUnreadable, upsertImage } from '../../src/main/store/images'
import { memoryContext, untouchableContext, withTempDir } from './helpers'

const MALFORMED: [channel: string, payload: unknown][] = [
  ['datasets/open', {}],
  ['datasets/open', { root: 42 }],
  ['datasets/open', { root: '   ' }],
  ['datasets/open', { root: '/tmp', extra: true }],
  ['datasets/get', { datasetId: 0 }],
  ['images/list', { datasetId: -1 }],
  ['images/list', { datasetId: 1, status: 'finished' }],
  ['images/get', { imageId: 1.5 }],
  ['images/set-status', { imageId: 1 }],
  ['faces/list', { imageId: '1' }],
  ['jobs/progress', null],
  ['jobs/progress', [1]],
  ['datasets/list', { unexpected: 1 }],
]

function expectError(result: ApiResult<unknown>, code: string): void {
  expect(result.ok).toBe(false)
  if (!result.ok) expect(result.error.code).toBe(code)
}

async function waitForJob(api: ApiService, jobId: number): Promise<JobInfo> {
  for (;;) {
    const result = await api.dispatch('jobs/progress', { jobId })
    if (!result.ok) throw new Error(result.error.message)
    const job = result.value as JobInfo
    if (job.state !== 'running') return job
    await new Promise((done) => setTimeout(done, 5))
  }
}

describe('when a payload is malformed', () => {
  const api = createApi(untouchableContext())

  it.each(MALFORMED)(
    'refuses %s %j with invalid_request before touching the store',
    async (channel, payload) => {
      const result = await api.dispatch(channel, payload)
      expectError(result, 'invalid_request')
      if (!result.ok) expect(result.error.message).toContain(channel)
    },
  )

  it('refuses a channel that is not in the contract', async () => {
    expectError(await api.dispatch('faces/drop-table', {}), 'unknown_channel')
    expectError(await api.dispatch('__proto__', {}), 'unknown_channel')
  })

  it('refuses a display image id that is not a positive integer', async () => {
    await expect(api.displayImage('1;DROP')).rejects.toMatchObject({ code: 'invalid_request' })
    await expect(api.displayImage('-3')).rejects.toMatchObject({ code: 'invalid_request' })
  })
})

describe('when the request is valid', () => {
  let ctx: AppContext
  afterEach(async () => ctx?.close())

  it('opens a folder, runs its job in the background and reports progress', async () => {
    ctx = memoryContext()
    const api = createApi(ctx, {
      annotate: async (_, _root, options) => {
        options?.onProgress?.({
          datasetId: 1,
          phase: 'detecting',
          total: 2,
          done: 1,
          failed: 0,
          currentPath: 'a.jpg',
        })
        return { datasetId: 1, runId: 7, images: 2, detected: 2, skipped: 0, faces: 3, failed: [] }
      },
    })

    await withTempDir(async (dir) => {
      const opened = await api.dispatch('datasets/open', { root: dir })
      expect(opened.ok).toBe(true)
      const { dataset, job } = (opened as { value: OpenDatasetResponse }).value
      expect(dataset.root).toBe(dir)

      const done = await waitForJob(api, job.id)
      expect(done.state).toBe('finished')
      expect(done.summary?.faces).toBe(3)
      expect(done.progress.phase).toBe('finished')
    })
  })

  it('turns a failing job into a failed state with its message', async () => {
    ctx = memoryContext()
    const api = createApi(ctx, {
      annotate: async () => {
        throw new Error('model file missing: set FACE_MODELS_DIR')
      },
    })
    await withTempDir(async (dir) => {
      const opened = await api.dispatch('datasets/open', { root: dir })
      const job = await waitForJob(api, (opened as { value: OpenDatasetResponse }).value.job.id)
      expect(job.state).toBe('failed')
      expect(job.error?.message).toContain('FACE_MODELS_DIR')
    })
  })

  it('answers not_found for a folder, image or job that does not exist', async () => {
    ctx = memoryContext()
    const api = createApi(ctx)
    expectError(await api.dispatch('datasets/open', { root: '/no/such/folder' }), 'not_found')
    expectError(await api.dispatch('datasets/open', { root: 'relative/path' }), 'invalid_request')
    expectError(await api.dispatch('images/get', { imageId: 99 }), 'not_found')
    expectError(await api.dispatch('faces/list', { imageId: 99 }), 'not_found')
    expectError(await api.dispatch('jobs/progress', { jobId: 99 }), 'not_found')
  })

  it('sets an image status and returns the updated record', async () => {
    ctx = memoryContext()
    const api = createApi(ctx)
    const dataset = ensureDataset(ctx.db, '/data/set')
    const image = upsertImage(ctx.db, dataset.id, 'a.jpg', {
      width: 10,
      height: 10,
      orientation: 1,
      sha256: null,
      byteSize: null,
    })
    const result = await api.dispatch('images/set-status', { imageId: image.id, status: 'done' })
    expect(result).toMatchObject({ ok: true, value: { id: image.id, status: 'done' } })

    const faces = await api.dispatch('faces/list', { imageId: image.id })
    expect(faces).toMatchObject({
      ok: true,
      value: { faces: [], labelSet: { kind: 'annotation' } },
    })
  })
})

describe('when an image is displayed', () => {
  let ctx: AppContext
  afterEach(async () => ctx?.close())

  async function addImage(dir: string, relPath: string, data: Buffer) {
    await mkdir(join(dir, relPath, '..'), { recursive: true })
    await writeFile(join(dir, relPath), data)
    const dataset = ensureDataset(ctx.db, dir)
    return upsertImage(ctx.db, dataset.id, relPath, {
      width: null,
      height: null,
      orientation: 1,
      sha256: null,
      byteSize: null,
    })
  }

  it('applies EXIF orientation, so sizes are those of the upright image', async () => {
    ctx = memoryContext()
    const api = createApi(ctx)
    await withTempDir(async (dir) => {
      // 80 x 40 stored, orientation 6 (rotate 90° clockwise): upright it is 40 x 80.
      const data = await sharp({
        create: { width: 80, height: 40, channels: 3, background: '#808080' },
      })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer()
      const image = await addImage(dir, 'sub/rotated.jpg', data)

      const shown = await api.displayImage(String(image.id))
      expect(shown).toMatchObject({ width: 40, height: 80, displayWidth: 40, displayHeight: 80 })
      const meta = await sharp(shown.data).metadata()
      expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([40, 80, 1])
    })
  })

  it('downscales a huge image to the display limit and reports both sizes', async () => {
    ctx = memoryContext()
    const api = createApi(ctx)
    await withTempDir(async (dir) => {
      const data = await sharp({
        create: { width: 6000, height: 300, channels: 3, background: '#000' },
      })
        .png()
        .toBuffer()
      const image = await addImage(dir, 'wide.png', data)

      const shown = await api.displayImage(image.id)
      expect(shown).toMatchObject({
        width: 6000,
        height: 300,
        displayWidth: 4096,
        displayHeight: 205,
      })
    })
  })

  it('refuses an image whose stored path leaves the dataset folder', async () => {
    ctx = memoryContext()
    const api = createApi(ctx)
    const dataset = ensureDataset(ctx.db, '/data/set')
    const image = upsertImage(ctx.db, dataset.id, '../../etc/passwd', {
      width: null,
      height: null,
      orientation: 1,
      sha256: null,
      byteSize: null,
    })
    await expect(api.displayImage(image.id)).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('refuses an image found unreadable with the reason found, on every image route', async () => {
    ctx = memoryContext()
    const api = createApi(ctx)
    await withTempDir(async (dir) => {
      const image = await addImage(dir, 'empty.jpg', Buffer.alloc(0))
      markImageUnreadable(ctx.db, image.id, 'empty file')

      const refusal = {
        code: 'not_found',
        message:
          'empty.jpg cannot be shown: empty file. Replace the file and open the folder again.',
      }
      await expect(api.displayImage(image.id)).rejects.toMatchObject(refusal)
      await expect(api.thumbnail(image.id)).rejects.toMatchObject(refusal)
      await expect(api.tile(image.id, { x: '0', y: '0', w: '1', h: '1' })).rejects.toMatchObject(
        refusal,
      )
    })
  })
})
