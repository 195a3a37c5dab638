import { client, type LoadedImage } from '@renderer/api/client'

/** Display images kept for drawing crops; a page of cases touches a handful of images. */
const KEEP = 12
const cache = new Map<number, Promise<LoadedImage>>()

/** The display image of `imageId`, fetched once while it stays among the recent few. */
export function cropImage(imageId: number): Promise<LoadedImage> {
  const hit = cache.get(imageId)
  if (hit) {
    // Re-insert: Map order is the eviction order, oldest first.
    cache.delete(imageId)
    cache.set(imageId, hit)
    return hit
  }
  const loading = client.loadImage(imageId)
  loading.catch(() => cache.delete(imageId))
  cache.set(imageId, loading)
  while (cache.size > KEEP) {
    const [oldest, promise] = cache.entries().next().value!
    cache.delete(oldest)
    void promise.then((image) => image.bitmap.close()).catch(() => undefined)
  }
  return loading
}
