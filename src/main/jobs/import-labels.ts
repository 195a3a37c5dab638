import { stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path'

import type { LabelSetRecord } from '../../shared/records'
import { probeImage } from '../detect/image'
import type { FaceRecord } from '../formats/labelled-image'
import { logger } from '../log'
import type { Db } from '../store/database'
import { ensureDataset, listDatasets } from '../store/datasets'
import { writeFace } from '../store/faces'
import { setFaceIdentity } from '../store/identities'
import { listImages, markImageUnreadable, upsertImage } from '../store/images'
import { createLabelSet } from '../store/label-sets'
import { now } from '../store/statements'
import {
  readLabelSource,
  type ImportFormat,
  type ImportProblem,
  type SourceImage,
} from './label-sources'

export { IMPORT_FORMATS, type ImportFormat, type ImportProblem } from './label-sources'

const log = logger('import')

/** Header probes in flight; they are file reads, so a few more than cores keeps disks busy. */
const PROBE_CONCURRENCY = 16

export interface ImportProgress {
  phase: 'reading' | 'probing' | 'writing' | 'finished'
  total: number
  done: number
}

export interface ImportRequest {
  format: ImportFormat
  /** The label file (wider, retinaface, coco) or folder (yolo-*, labelme; a file also works). */
  path: string
  /** The folder image paths are relative to; a per-format default otherwise. */
  images?: string
  /** Name of the new ground-truth label set. */
  name?: string
  onProgress?: (progress: ImportProgress) => void
  signal?: AbortSignal
}

export interface ImportSummary {
  datasetId: number
  root: string
  labelSet: LabelSetRecord
  images: number
  faces: number
  /** Images the labels name that are not on disk: registered anyway, with no size. */
  missingImages: string[]
  /** Images on disk whose header could not be read. */
  unreadableImages: { relPath: string; reason: string }[]
  problems: ImportProblem[]
}

/**
 * Import a label file or folder as a new `ground_truth` set of the dataset its images belong
 * to (created when needed). Everything is read and checked first and then written in one
 * transaction, so a malformed file or a cancel leaves the store exactly as it was.
 */
export async function importLabels(db: Db, request: ImportRequest): Promise<ImportSummary> {
  const report = (p: ImportProgress) => request.onProgress?.(p)
  report({ phase: 'reading', total: 0, done: 0 })
  const source = await readLabelSource(request.format, request.path, request.images)
  const root = datasetRoot(db, source.imagesDir, source.images)

  // 1. Look at every image once: on disk or not, and its upright size (EXIF applied).
  const known = knownSizes(db, root)
  const entries = mergeByPath(source.images, root, source.problems)
  const missing: string[] = []
  const unreadable = new Map<string, string>()
  let done = 0
  await forEachConcurrent(entries, PROBE_CONCURRENCY, async (entry) => {
    if (request.signal?.aborted) return
    const size = await sizeOf(entry)
    if (size === 'missing') {
      missing.push(entry.relPath)
      // A size the store learnt earlier still serves normalised formats.
      const image = known.get(entry.relPath)
      if (image) Object.assign(entry, { width: image.width, height: image.height })
    } else if (typeof size === 'string') unreadable.set(entry.relPath, size)
    else Object.assign(entry, size)
    report({ phase: 'probing', total: entries.length, done: ++done })
  })
  if (request.signal?.aborted) throw new Error('Import cancelled; nothing was written')

  // 2. Normalised formats become pixels now that sizes are known; without one they cannot.
  for (const entry of entries) {
    if (!entry.facesForSize) continue
    if (!entry.width || !entry.height) {
      throw new Error(`${entry.file}: cannot read the image size, needed for normalised labels`)
    }
    entry.faces = entry.facesForSize(entry.width, entry.height)
  }

  // 3. One transaction: the whole import or nothing.
  report({ phase: 'writing', total: entries.length, done: 0 })
  const name = request.name?.trim() || `${request.format} ${basename(request.path)}`
  const { datasetId, labelSet, faces } = db.transaction(() => {
    const dataset = ensureDataset(db, root)
    const set = createLabelSet(db, dataset.id, 'ground_truth', name)
    const at = now()
    let count = 0
    for (const entry of entries) {
      const meta = { width: entry.width, height: entry.height, orientation: entry.orientation ?? 1 }
      const image = upsertImage(db, dataset.id, entry.relPath, {
        ...meta,
        sha256: null,
        byteSize: null,
      })
      const reason = unreadable.get(entry.relPath)
      if (reason) markImageUnreadable(db, image.id, reason)

      for (const face of entry.faces) {
        const faceId = writeFace(db, set.id, image.id, face, 'import', {}, at)
        if (face.identity) setFaceIdentity(db, faceId, face.identity)
        count++
      }
    }
    return { datasetId: dataset.id, labelSet: set, faces: count }
  })()

  if (missing.length) log.warn(`${missing.length} labelled images are not on disk under ${root}`)
  report({ phase: 'finished', total: entries.length, done: entries.length })
  return {
    datasetId,
    root,
    labelSet,
    images: entries.length,
    faces,
    missingImages: missing.sort(),
    unreadableImages: [...unreadable].map(([relPath, reason]) => ({ relPath, reason })),
    problems: source.problems,
  }
}

interface Entry extends SourceImage {
  relPath: string
  orientation?: number
}

/**
 * The dataset root: the images folder, or its parent when it is called `images` (the layout
 * of WIDER, RetinaFace and the annotate command) unless a dataset already sits on the folder
 * itself. Labels pointing outside it widen it to the common ancestor.
 */
function datasetRoot(db: Db, imagesDir: string, images: SourceImage[]): string {
  const dir = resolve(imagesDir)
  const existing = new Set(listDatasets(db).map((d) => d.root))
  let root = basename(dir) === 'images' && !existing.has(dir) ? dirname(dir) : dir

  for (const { file } of images) {
    while (!inside(root, file) && dirname(root) !== root) root = dirname(root)
  }
  return root
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

/** One entry per image; a file that lists an image twice gets its faces merged, reported. */
function mergeByPath(images: SourceImage[], root: string, problems: ImportProblem[]): Entry[] {
  const byPath = new Map<string, Entry>()
  for (const image of images) {
    const relPath = relative(root, image.file).split(sep).join('/')
    const seen = byPath.get(relPath)
    if (!seen) {
      byPath.set(relPath, { ...image, relPath, faces: [...image.faces] })
      continue
    }
    seen.faces.push(...(image.faces as FaceRecord[]))
    problems.push({ file: image.path, line: null, message: 'image listed twice; faces merged' })
  }
  return [...byPath.values()]
}

function knownSizes(db: Db, root: string) {
  const dataset = listDatasets(db).find((d) => d.root === root)
  const images = dataset ? listImages(db, dataset.id) : []
  return new Map(images.filter((i) => i.width && i.height).map((i) => [i.relPath, i]))
}

/** Upright size from the header, `'missing'` when not on disk, else why it is unreadable. */
async function sizeOf(
  entry: Entry,
): Promise<{ width: number; height: number; orientation: number } | 'missing' | string> {
  const exists = await stat(entry.file).then(
    (s) => s.isFile(),
    () => false,
  )
  if (!exists) return 'missing'
  try {
    const info = await probeImage(entry.file)
    return { width: info.width, height: info.height, orientation: info.orientation }
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

async function forEachConcurrent<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) await task(items[next++])
  }
  await Promise.all(Array.from({ length: limit }, lane))
}
