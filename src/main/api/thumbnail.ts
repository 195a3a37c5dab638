import { THUMB_MAX_SIDE } from '../../shared/display-image'
import { openImage } from '../detect/image-input'

/** A small JPEG for the image list. */
export interface Thumbnail {
  data: Buffer
  contentType: 'image/jpeg'
}

/** Entries kept in memory: ~4 KB each, so a few thousand rows cost some MB. */
const CACHE_LIMIT = 4000

/**
 * Renders list thumbnails with sharp (JPEG shrink-on-load keeps a 6000 px photo cheap) and
 * keeps the newest few thousand in memory, least recently used out first, so scrolling back
 * up a 20,000-image list does not decode the same files again.
 */
export function createThumbnailCache(limit = CACHE_LIMIT) {
  const cache = new Map<string, Promise<Thumbnail>>()

  return async function thumbnail(file: string): Promise<Thumbnail> {
    const hit = cache.get(file)
    if (hit) {
      // Map keeps insertion order; re-inserting marks it most recently used.
      cache.delete(file)
      cache.set(file, hit)
      return hit
    }

    const made = render(file)
    cache.set(file, made)
    made.catch(() => cache.delete(file))
    if (cache.size > limit) cache.delete(cache.keys().next().value!)
    return made
  }
}

async function render(file: string): Promise<Thumbnail> {
  // openImage, not sharp(file): the prebuilt sharp cannot read BMP.
  const image = await openImage(file, { failOn: 'none' })
  const data = await image
    .rotate()
    .resize({ width: THUMB_MAX_SIDE, height: THUMB_MAX_SIDE, fit: 'inside' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 70 })
    .toBuffer()
  return { data, contentType: 'image/jpeg' }
}
