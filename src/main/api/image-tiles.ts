import sharp from 'sharp'
import { z } from 'zod'

import { ApiError } from '../../shared/api-error'
import { TILE_MAX_SIDE, type TileRegion } from '../../shared/display-image'
import { openImage } from '../detect/image-input'

/** A full-resolution region of an image, lossless so zoomed-in pixels are the original's. */
export interface Tile {
  data: Buffer
  contentType: 'image/png'
}

/** Limits of {@link createTileRenderer}; the defaults suit one annotator on one photo. */
export interface TileOptions {
  /** Encoded tiles kept, in bytes. */
  tileBytes?: number
  /** Decoded upright originals kept, in bytes; a bigger image is decoded per tile instead. */
  sourceBytes?: number
  /** A decoded original unused this long is let go, so browsing on frees the memory. */
  sourceIdleMs?: number
}

/** The upright size of an image, and its decoded pixels when they fit the budget. */
interface Source {
  width: number
  height: number
  raw: { data: Buffer; channels: 1 | 2 | 3 | 4 } | null
}

const coordinate = z.coerce.number().int().nonnegative()
const side = z.coerce.number().int().min(1).max(TILE_MAX_SIDE)
const querySchema = z.object({ x: coordinate, y: coordinate, w: side, h: side })

/** The region a tile request asks for (`x`, `y`, `w`, `h` from a URL query), checked. */
export function parseTileRegion(query: Record<string, unknown>): TileRegion {
  const parsed = querySchema.safeParse(query)
  if (!parsed.success) {
    throw new ApiError(
      'invalid_request',
      `A tile needs whole-pixel x and y (0 or more) and w and h from 1 to ${TILE_MAX_SIDE}.`,
    )
  }
  const { x, y, w, h } = parsed.data
  return { x, y, width: w, height: h }
}

/**
 * Renders full-resolution tiles of images. Decoding a JPEG cannot start mid-file, so cutting
 * each tile from the file costs a whole decode (most of a second for 48 megapixels); instead
 * the upright original is decoded once into memory and tiles are cut from it (a few ms each).
 * Both caches are least-recently-used and capped in bytes, and the decoded original is let go
 * after a while unused, so memory stays bounded however long the annotator browses.
 */
export function createTileRenderer(options: TileOptions = {}) {
  const tileBytes = options.tileBytes ?? 32 << 20
  const sourceBytes = options.sourceBytes ?? 256 << 20
  const sourceIdleMs = options.sourceIdleMs ?? 120_000
  const tiles = new ByteLru<Tile>(tileBytes, (t) => t.data.length)
  const sources = new ByteLru<Source>(sourceBytes, (s) => s.raw?.data.length ?? 0)
  const idleTimers = new Map<string, NodeJS.Timeout>()

  function source(file: string): Promise<Source> {
    clearTimeout(idleTimers.get(file))
    const timer = setTimeout(() => sources.delete(file), sourceIdleMs)
    timer.unref?.()
    idleTimers.set(file, timer)
    return sources.get(file, () => openSource(file, sourceBytes))
  }

  return async function tile(file: string, region: TileRegion): Promise<Tile> {
    const key = `${file}\n${region.x},${region.y},${region.width},${region.height}`
    return tiles.get(key, async () => {
      const image = await source(file)
      const { x, y, width, height } = region
      if (x + width > image.width || y + height > image.height) {
        throw new ApiError(
          'invalid_request',
          `The tile ${width}x${height} at ${x},${y} reaches outside the ` +
            `${image.width}x${image.height} image; ask for a region inside it.`,
        )
      }
      const area = { left: x, top: y, width, height }
      const pipeline = image.raw
        ? sharp(image.raw.data, {
            raw: { width: image.width, height: image.height, channels: image.raw.channels },
          }).extract(area)
        : (await openImage(file)).rotate().extract(area)
      // Level 1: a tile is made, sent over loopback and decoded at once; size matters little.
      const data = await pipeline.png({ compressionLevel: 1 }).toBuffer()
      return { data, contentType: 'image/png' }
    })
  }
}

/** The upright size from the header, and the upright pixels when they fit `budget`. */
async function openSource(file: string, budget: number): Promise<Source> {
  const meta = await (await openImage(file)).metadata()
  const turned = (meta.orientation ?? 1) >= 5
  const width = (turned ? meta.height : meta.width) ?? 0
  const height = (turned ? meta.width : meta.height) ?? 0
  if (width * height * (meta.channels ?? 3) > budget) return { width, height, raw: null }

  const { data, info } = await (
    await openImage(file)
  )
    .rotate()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, raw: { data, channels: info.channels } }
}

/**
 * Promises by key, least recently used out first once the settled values pass `limit` bytes.
 * A failed promise is dropped, so the next request tries again.
 */
class ByteLru<T> {
  private readonly entries = new Map<string, { value: Promise<T>; bytes: number }>()
  private total = 0

  constructor(
    private readonly limit: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key)
    if (hit) {
      // Map keeps insertion order; re-inserting marks it most recently used.
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit.value
    }
    const entry = { value: make(), bytes: 0 }
    this.entries.set(key, entry)
    entry.value.then(
      (value) => {
        if (this.entries.get(key) !== entry) return
        entry.bytes = this.sizeOf(value)
        this.total += entry.bytes
        this.trim()
      },
      () => this.delete(key),
    )
    return entry.value
  }

  delete(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.total -= entry.bytes
    this.entries.delete(key)
  }

  /** Oldest first, but never the newest entry: it is the one just asked for. */
  private trim(): void {
    for (const key of this.entries.keys()) {
      if (this.total <= this.limit || this.entries.size <= 1) return
      this.delete(key)
    }
  }
}
