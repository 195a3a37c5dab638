import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from 'bmp-ts'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApi } from '../../src/main/api/handlers'
import { startHttpServer, type RunningServer } from '../../src/main/api/http-server'
import { createTileRenderer, parseTileRegion } from '../../src/main/api/image-tiles'
import { createThumbnailCache } from '../../src/main/api/thumbnail'
import { ensureDataset } from '../../src/main/store/datasets'
import { upsertImage } from '../../src/main/store/images'
import type { AppContext } from '../../src/main/jobs/context'
import { memoryContext } from './helpers'

const WIDTH = 300
const HEIGHT = 200

/** A deterministic noise image: every pixel differs from its neighbours, so a shift shows. */
function noise(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3)
  let seed = 12345
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0
    data[i] = seed >>> 24
  }
  return data
}

const pixels = noise(WIDTH, HEIGHT)
const raw = { raw: { width: WIDTH, height: HEIGHT, channels: 3 as const } }

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'facemark-tiles-'))
  await sharp(pixels, raw).png().toFile(join(dir, 'upright.png'))
  // Stored landscape with orientation 6 (turn 90° clockwise): upright it is 200x300.
  await sharp(pixels, raw)
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 100 })
    .toFile(join(dir, 'turned.jpg'))
  const abgr = Buffer.alloc(WIDTH * HEIGHT * 4)
  for (let i = 0; i < WIDTH * HEIGHT; i++) {
    abgr.set([255, pixels[i * 3 + 2], pixels[i * 3 + 1], pixels[i * 3]], i * 4)
  }
  await writeFile(
    join(dir, 'photo.bmp'),
    encode({ data: abgr, width: WIDTH, height: HEIGHT, bitPP: 24 }).data,
  )
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function decode(data: Buffer) {
  return sharp(data).raw().toBuffer({ resolveWithObject: true })
}

describe('when a tile of an image is asked for', () => {
  it('cuts the region at full resolution, pixel for pixel', async () => {
    const tile = createTileRenderer()
    const out = await tile(join(dir, 'upright.png'), { x: 37, y: 21, width: 64, height: 48 })
    expect(out.contentType).toBe('image/png')
    const { data, info } = await decode(out.data)
    expect([info.width, info.height]).toEqual([64, 48])
    const expected = await sharp(pixels, raw)
      .extract({ left: 37, top: 21, width: 64, height: 48 })
      .raw()
      .toBuffer()
    expect(data.equals(expected)).toBe(true)
  })

  it('uses upright coordinates for an EXIF-rotated photo', async () => {
    const file = join(dir, 'turned.jpg')
    const region = { x: 150, y: 250, width: 50, height: 50 }
    const { data, info } = await decode((await createTileRenderer()(file, region)).data)
    const expected = await sharp(file)
      .rotate()
      .extract({ left: 150, top: 250, width: 50, height: 50 })
      .raw()
      .toBuffer()
    expect([info.width, info.height]).toEqual([50, 50])
    expect(data.equals(expected)).toBe(true)
    // 250 rows down lies outside the stored 300x200 frame: the tile is upright, not stored.
    await expect(
      createTileRenderer()(file, { x: 250, y: 0, width: 10, height: 10 }),
    ).rejects.toThrow(/outside the 200x300 image/)
  })

  it('cuts the same pixels when the original is too big to keep decoded', async () => {
    const small = createTileRenderer({ sourceBytes: 1000 })
    const region = { x: 100, y: 100, width: 40, height: 30 }
    const direct = await decode((await small(join(dir, 'turned.jpg'), region)).data)
    const kept = await decode((await createTileRenderer()(join(dir, 'turned.jpg'), region)).data)
    expect(direct.data.equals(kept.data)).toBe(true)
  })

  it('reads BMP files (through openImage), as the thumbnails do', async () => {
    const file = join(dir, 'photo.bmp')
    const { data } = await decode(
      (await createTileRenderer()(file, { x: 0, y: 0, width: 2, height: 1 })).data,
    )
    expect([...data]).toEqual([...pixels.subarray(0, 6)])
    const thumb = await createThumbnailCache()(file)
    expect((await sharp(thumb.data).metadata()).width).toBe(96)
  })

  it('refuses regions outside the image with a message that says so', async () => {
    const tile = createTileRenderer()
    await expect(
      tile(join(dir, 'upright.png'), { x: 290, y: 0, width: 20, height: 20 }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/reaches outside the 300x200 image/),
    })
  })

  it('checks the query: whole pixels, sides from 1 to 1024', () => {
    expect(parseTileRegion({ x: '5', y: '6', w: '7', h: '8' })).toEqual({
      x: 5,
      y: 6,
      width: 7,
      height: 8,
    })
    for (const bad of [
      { x: '-1', y: '0', w: '8', h: '8' },
      { x: '0.5', y: '0', w: '8', h: '8' },
      { x: '0', y: '0', w: '0', h: '8' },
      { x: '0', y: '0', w: '2048', h: '8' },
      { x: '0', y: '0', w: '8' },
    ]) {
      expect(() => parseTileRegion(bad)).toThrow(/whole-pixel x and y/)
    }
  })
})

describe('the /tile/ route', () => {
  let ctx: AppContext
  let server: RunningServer
  let imageId: number
  const get = (path: string) =>
    fetch(`${server.origin}${path}`, { headers: { 'x-facemark-token': server.token } })

  beforeAll(async () => {
    ctx = memoryContext()
    const dataset = ensureDataset(ctx.db, dir)
    const meta = { width: 200, height: 300, orientation: 6, sha256: null, byteSize: null }
    imageId = upsertImage(ctx.db, dataset.id, 'turned.jpg', meta).id
    server = await startHttpServer({ api: createApi(ctx) })
  })
  afterAll(async () => {
    await server.close()
    await ctx.close()
  })

  it('serves a PNG tile of the upright image', async () => {
    const response = await get(`/tile/${imageId}?x=10&y=280&w=190&h=20`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata()
    expect([meta.width, meta.height]).toEqual([190, 20])
  })

  it('answers 400 with the reason for a region off the image or a bad query', async () => {
    const off = await get(`/tile/${imageId}?x=0&y=290&w=20&h=20`)
    expect(off.status).toBe(400)
    expect(await off.json()).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringMatching(/outside the 200x300/) },
    })
    const huge = await get(`/tile/${imageId}?x=0&y=0&w=4096&h=20`)
    expect(huge.status).toBe(400)
    expect((await get(`/tile/99999?x=0&y=0&w=1&h=1`)).status).toBe(404)
  })

  it('wants the token like every other route', async () => {
    expect((await fetch(`${server.origin}/tile/${imageId}?x=0&y=0&w=1&h=1`)).status).toBe(401)
  })
})
