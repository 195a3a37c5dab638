import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

import type { DatasetRecord, LabelSetRecord } from '../../shared/records'
import { probeImage } from '../detect/image'
import { logger } from '../log'
import type { Db } from '../store/database'
import { ensureDataset, listDatasets } from '../store/datasets'
import { writeFace } from '../store/faces'
import { setFaceIdentity } from '../store/identities'
import { listImages, markImageUnreadable, upsertImage } from '../store/images'
import { createLabelSet } from '../store/label-sets'
import { addSetImages, setFaceSubsets } from '../store/review'
import { now } from '../store/statements'
import { forEachConcurrent } from './concurrency'
import { widerPath } from './dataset-paths'
import {
  readLabelFile,
  readLabelSource,
  type ImportFormat,
  type ImportProblem,
  type SourceFace,
  type SourceImage,
  type StandaloneFormat,
} from './label-sources'

export {
  IMPORT_FORMATS,
  STANDALONE_FORMATS,
  type ImportFormat,
  type ImportProblem,
  type StandaloneFormat,
} from './label-sources'

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
  /**
   * The label file (wider, retinaface, coco) or folder (yolo-*, labelme, and wider-mat: the
   * official .mat files; a file also works).
   */
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
 *
 * The set records every image the source lists as covered, so an image labelled with no
 * face reads as "nothing here" rather than "not annotated"; faces from the official .mat
 * files keep the WIDER settings (easy/medium/hard) they count in.
 */
export async function importLabels(db: Db, request: ImportRequest): Promise<ImportSummary> {
  const report = (p: ImportProgress) => request.onProgress?.(p)
  report({ phase: 'reading', total: 0, done: 0 })
  const source = await readLabelSource(request.format, request.path, request.images)
  const root = datasetRoot(db, source.imagesDir, source.images)

  // 1. Look at every image once: on disk or not, and its upright size (EXIF applied).
  const dataset = listDatasets(db).find((d) => d.root === root)
  const held = new Map((dataset ? listImages(db, dataset.id) : []).map((i) => [i.relPath, i]))
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
      const image = held.get(entry.relPath)
      if (image?.width && image.height) {
        Object.assign(entry, { width: image.width, height: image.height })
      }
    } else if (typeof size === 'string') unreadable.set(entry.relPath, size)
    else Object.assign(entry, size)
    report({ phase: 'probing', total: entries.length, done: ++done })
  })
  if (request.signal?.aborted) throw new Error('Import cancelled; nothing was written')
  if (dataset && entries.length > 0 && missing.length === entries.length) {
    refusePhantoms(request, source.imagesDir, dataset, entries, held)
  }

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
    const covered: number[] = []
    for (const entry of entries) {
      const meta = { width: entry.width, height: entry.height, orientation: entry.orientation ?? 1 }
      const image = upsertImage(db, dataset.id, entry.relPath, {
        ...meta,
        sha256: null,
        byteSize: null,
      })
      const reason = unreadable.get(entry.relPath)
      if (reason) markImageUnreadable(db, image.id, reason)

      covered.push(image.id)
      count += writeFaces(db, set.id, image.id, entry.faces, at)
    }
    addSetImages(db, set.id, covered)
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

/** The labels of a standalone source, matched to the images an existing dataset holds. */
export interface DatasetLabels {
  datasetId: number
  /** The dataset's images the source labels, each once, with its faces (maybe none). */
  images: { imageId: number; faces: SourceFace[] }[]
  /** Images the source lists that the dataset does not hold; they are left out. */
  notInDataset: number
  problems: ImportProblem[]
}

/**
 * Read a standalone label source for a dataset that already holds the images, without
 * writing anything. Paths meet by their WIDER form (relative to the nearest `images/`
 * folder, extension dropped), so ground truth lines up with a folder annotated wherever it
 * lies; where two dataset images share that form, the first one listed gets the labels.
 * Nothing is probed, which keeps it synchronous and lets images off disk take part.
 */
export function readLabelsForDataset(
  db: Db,
  datasetId: number,
  format: StandaloneFormat,
  path: string,
): DatasetLabels {
  const source = readLabelFile(format, path)
  const byKey = new Map<string, number>()
  for (const image of listImages(db, datasetId)) {
    const key = withoutExtension(widerPath(image.relPath))
    if (!byKey.has(key)) byKey.set(key, image.id)
  }

  const byImage = new Map<number, SourceFace[]>()
  let notInDataset = 0
  for (const image of source.images) {
    const imageId = byKey.get(withoutExtension(image.path))
    if (imageId === undefined) {
      notInDataset++
      continue
    }
    const seen = byImage.get(imageId)
    if (!seen) byImage.set(imageId, [...image.faces])
    else {
      seen.push(...image.faces)
      source.problems.push({
        file: image.path,
        line: null,
        message: 'image listed twice; faces merged',
      })
    }
  }
  const images = [...byImage].map(([imageId, faces]) => ({ imageId, faces }))
  return { datasetId, images, notInDataset, problems: source.problems }
}

/**
 * Write labels read by {@link readLabelsForDataset} as a new `ground_truth` set, covering
 * every matched image, in one transaction: an interrupted import leaves no half-filled set.
 */
export function writeLabelsForDataset(db: Db, labels: DatasetLabels, name: string): LabelSetRecord {
  return db.transaction(() => {
    const set = createLabelSet(db, labels.datasetId, 'ground_truth', name)
    const at = now()
    for (const image of labels.images) writeFaces(db, set.id, image.imageId, image.faces, at)
    addSetImages(
      db,
      set.id,
      labels.images.map((image) => image.imageId),
    )
    return set
  })()
}

/** One image's faces with what they carry beyond the label: identity, WIDER settings. */
function writeFaces(
  db: Db,
  labelSetId: number,
  imageId: number,
  faces: readonly SourceFace[],
  at: string,
): number {
  for (const face of faces) {
    const faceId = writeFace(db, labelSetId, imageId, face, 'import', {}, at)
    if (face.identity) setFaceIdentity(db, faceId, face.identity)
    if (face.subsets) setFaceSubsets(db, faceId, face.subsets)
  }
  return faces.length
}

/** `0--Parade/x.jpg` → `0--Parade/x`: only the extension goes. */
function withoutExtension(path: string): string {
  return path.replace(/\.[^./]*$/, '')
}

interface Entry extends SourceImage {
  relPath: string
  orientation?: number
}

/**
 * The dataset root. An existing dataset whose root holds every image the labels point to
 * comes first, the deepest one when several do, so labels of a folder that is already a
 * dataset (a `train/label.txt` inside an annotated WIDER folder, an export that referenced
 * its images) join that dataset with the relative paths it already stores, as `eval --gt`
 * does. Otherwise the images folder, or its parent when it is called `images` (the layout
 * of WIDER, RetinaFace and the annotate command), else the folder all the labelled images
 * lie in, so a re-import finds the dataset it came from.
 */
function datasetRoot(db: Db, imagesDir: string, images: SourceImage[]): string {
  const existing = listDatasets(db).map((d) => d.root)
  if (images.length > 0) {
    const holding = existing.filter((d) => images.every(({ file }) => inside(d, file)))
    if (holding.length) return holding.reduce((a, b) => (b.length > a.length ? b : a))
  }

  const rootOf = (dir: string) => (basename(dir) === 'images' ? dirname(dir) : dir)
  const root = rootOf(resolve(imagesDir))
  if (images.every(({ file }) => inside(root, file))) return root

  let common = dirname(images[0].file)
  for (const { file } of images) {
    while (!inside(common, file) && dirname(common) !== common) common = dirname(common)
  }
  return rootOf(common)
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
    seen.faces.push(...image.faces)
    problems.push({ file: image.path, line: null, message: 'image listed twice; faces merged' })
  }
  return [...byPath.values()]
}

/**
 * Labels of images that are not on disk make sense for a new dataset (labels first, images
 * later) and for images an existing dataset already holds. When none of the images is on disk
 * and an existing dataset holds none of them either, the images folder is wrong: importing
 * would add only size-less phantom images to that dataset.
 */
function refusePhantoms(
  request: ImportRequest,
  imagesDir: string,
  dataset: DatasetRecord,
  entries: Entry[],
  held: ReadonlyMap<string, unknown>,
): void {
  if (entries.some((entry) => held.has(entry.relPath))) return
  const folder = request.images ? `--images ${resolve(request.images)}` : `the folder ${imagesDir}`
  const first = entries[0]
  // The WIDER layout's images/ level is the usual slip; say so when it is the fix.
  const nested = join(imagesDir, 'images')
  const hint = existsSync(join(nested, first.path)) ? `, here --images ${nested}` : ''
  throw new Error(
    `${resolve(request.path)}: none of its ${entries.length} images is on disk under ${folder} ` +
      `(the first would be ${first.file}), and dataset ${dataset.id} (${dataset.root}) holds ` +
      'none of them; nothing was imported. Pass --images <the folder the image paths in the ' +
      `labels are relative to>${hint}`,
  )
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
