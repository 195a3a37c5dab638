import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'

import { logger } from '../log'

const log = logger('scan')

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
 *
 * A symbolic link to an image file counts as that image, under the link's own path (the way
 * CVAT and Label Studio take a folder of links into a shared image store). Links to folders
 * are not followed, since they can form cycles, and neither are broken links; both are named
 * in a warning rather than dropped without a word.
 */
export async function scanFolder(root: string): Promise<ScannedFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const files: ScannedFile[] = []
  const notFollowed: string[] = []

  for (const entry of entries) {
    const link = entry.isSymbolicLink()
    if (!entry.isFile() && !link) continue
    const image = isImageName(entry.name)
    if (!image && !link) continue
    const absPath = join(entry.parentPath, entry.name)
    const relPath = relative(root, absPath).split(sep).join('/')
    if (relPath.split('/').some((part) => part.startsWith('.'))) continue

    const target = await stat(absPath).catch(() => null)
    if (image && target?.isFile()) files.push({ relPath, absPath, byteSize: target.size })
    else if (link && (image || target?.isDirectory())) notFollowed.push(relPath)
  }

  if (notFollowed.length) {
    log.warn(
      `not followed under ${root} (links to folders, or broken links): ${notFollowed.sort().join(', ')}`,
    )
  }
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0))
}

function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.')
  return dot >= 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase())
}

/** sha256 of a file's bytes, streamed so that a 100 MB photo does not sit in memory twice. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
