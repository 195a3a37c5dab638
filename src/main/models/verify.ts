import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'

/**
 * Verified hashes keyed by path, mtime and size: a model file is hashed once per process, and
 * any change on disk (a new copy, a truncated download) gives a new key and a fresh hash.
 */
const hashCache = new Map<string, string>()

/** Lowercase hex sha256 of a file, streamed so large files never sit in memory whole. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** sha256 of a file, computed at most once per (path, mtime, size). */
export async function cachedSha256(path: string): Promise<string> {
  const info = await stat(path)
  const key = `${path}\0${info.mtimeMs}\0${info.size}`
  const known = hashCache.get(key)
  if (known) return known

  const actual = await sha256File(path)
  hashCache.set(key, actual)
  return actual
}

/** Forget cached hashes (tests that rewrite a file within one mtime tick). */
export function clearHashCache(): void {
  hashCache.clear()
}
