import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'

/** Extensions the detector can decode. Anything else in a folder is left alone. */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.bmp',
])

export interface ScannedFile {
  /** Relative to the scanned root, `/`-separated, otherwise byte-for-byte the name on disk. */
  relPath: string
  absPath: string
  byteSize: number
}

/**
 * Every image file under `root`, recursively, in a stable (sorted) order. Hidden folders are
 * skipped because they hold tool caches (.git, .thumbnails), not dataset images.
 */
export async function scanFolder(root: string): Promise<ScannedFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const files: ScannedFile[] = []

  for (const entry of entries) {
    if (!entry.isFile()) continue
    const dot = entry.name.lastIndexOf('.')
    if (dot < 0 || !IMAGE_EXTENSIONS.has(entry.name.slice(dot).toLowerCase())) continue

    const absPath = join(entry.parentPath, entry.name)
    const relPath = relative(root, absPath).split(sep).join('/')
    if (relPath.split('/').some((part) => part.startsWith('.'))) continue

    files.push({ relPath, absPath, byteSize: (await stat(absPath)).size })
  }

  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0))
}

/** sha256 of a file's bytes, streamed so that a 100 MB photo does not sit in memory twice. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
