import { mkdirSync, writeFileSync } from 'node:fs'
import { copyFile, mkdir, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import sharp from 'sharp'

import { decodeImage, probeImage } from '../detect/image'
import { serializeCoco } from '../formats/coco'
import type { FaceRecord, LabelledImage } from '../formats/labelled-image'
import { serializeLabelme } from '../formats/labelme'
import { serializeRetinaFaceLabels } from '../formats/retinaface-label'
import { serializeWiderGt } from '../formats/wider-gt'
import { datasetYaml, emptyYoloStats, serializeYoloLabels, type YoloFlavour } from '../formats/yolo'
import { alignmentFor, ALIGNED_SIZE, warpSimilarity } from './face-align'

/** One image ready to write: its file, the path labels use, and the faces kept. */
export interface ExportItem {
  file: string
  path: string
  width: number | null
  height: number | null
  faces: FaceRecord[]
}

/** What a writer learns on the way; the export summary reports it. */
export interface WriteStats {
  copied: number
  missingImages: number
  /** Images without a known size, left out of normalised formats. */
  unsized: number
  clipped: number
  droppedBoxes: number
  pointsDropped: number
  occludedAsVisible: number
  crops: number
  /** Faces without five positioned landmarks, which cannot be aligned. */
  unalignable: number
}

export interface WriteContext {
  /** The temporary folder (or file) written now and renamed to `out` at the end. */
  temp: string
  /** The final location, for paths relative to it. */
  out: string
  /** The dataset root the items' files lie under; COCO records it for referenced images. */
  datasetRoot: string
  copyImages: boolean
  stats: WriteStats
  /** Folders already created, so 12,880 label files do not cost 12,880 mkdir calls. */
  dirs: Set<string>
  /** Called once per label file written; now and then yields to the event loop. */
  turn: () => Promise<void> | undefined
  /** Called once per image written; throws when the export was cancelled. */
  step(): void
}

export function emptyStats(): WriteStats {
  return {
    copied: 0,
    missingImages: 0,
    unsized: 0,
    clipped: 0,
    droppedBoxes: 0,
    pointsDropped: 0,
    occludedAsVisible: 0,
    crops: 0,
    unalignable: 0,
  }
}

/** `''` (no split) leaves the split level out of paths. */
const under = (split: string, ...parts: string[]) =>
  split ? join(split, ...parts) : join(...parts)
const posix = (path: string) => path.split(sep).join('/')
const stemOf = (path: string) => path.replace(/\.[^./]*$/, '')

/** WIDER GT: `wider_face_split/wider_face_<split>_bbx_gt.txt` beside `WIDER_<split>/images/`. */
export async function writeWider(ctx: WriteContext, split: string, items: ExportItem[]) {
  const name = split || 'all'
  await writeText(
    ctx,
    join(ctx.temp, 'wider_face_split', `wider_face_${name}_bbx_gt.txt`),
    serializeWiderGt(items),
  )
  await copyAll(ctx, items, (item) => join(`WIDER_${name}`, 'images', item.path))
}

/** RetinaFace: `<split>/label.txt` beside `<split>/images/`. */
export async function writeRetinaFace(ctx: WriteContext, split: string, items: ExportItem[]) {
  await writeText(ctx, join(ctx.temp, under(split, 'label.txt')), serializeRetinaFaceLabels(items))
  await copyAll(ctx, items, (item) => under(split, 'images', item.path))
}

/**
 * COCO: `<split>.json` (or annotations.json). As COCO has it, `file_name` is relative to an
 * images folder, which `info.images_dir` records: the copied `images/` (relative to the JSON,
 * so the export moves as a whole), or the dataset root for referenced images (absolute, as
 * they stay where they are). An import without `--images` then finds the same files.
 */
export async function writeCoco(ctx: WriteContext, split: string, items: ExportItem[]) {
  const imagesDir = ctx.copyImages ? 'images' : ctx.datasetRoot
  const images: LabelledImage[] = []
  for (const item of items) {
    const size = await sizeOf(ctx, item)
    const path = ctx.copyImages ? under(split, item.path) : relative(imagesDir, item.file)
    images.push({ ...item, ...size, path: posix(path) })
  }
  await writeText(
    ctx,
    join(ctx.temp, `${split || 'annotations'}.json`),
    serializeCoco(images, { imagesDir }),
  )
  await copyAll(ctx, items, (item) => join('images', under(split, item.path)))
}

/** labelme: one JSON per image; `imagePath` relative to the JSON, as labelme writes it. */
export async function writeLabelme(ctx: WriteContext, split: string, items: ExportItem[]) {
  const relativePath = relativeFiles()
  for (const item of items) {
    const json = under(split, `${stemOf(item.path)}.json`)
    const imagePath = ctx.copyImages
      ? basename(item.path)
      : relativePath(dirname(join(ctx.out, json)), item.file)
    const size = item.width && item.height ? item : await sizeOf(ctx, item)
    await writeText(
      ctx,
      join(ctx.temp, json),
      serializeLabelme({
        path: imagePath,
        width: size.width,
        height: size.height,
        faces: item.faces,
      }),
    )
  }
  await copyAll(ctx, items, (item) => under(split, item.path))
}

/**
 * YOLO: `labels/<split>/x.txt` for `images/<split>/x.jpg`, the layout Ultralytics and
 * yolov5-face derive label paths from. Without copied images the images are listed in
 * `<split>.txt` instead; Ultralytics still looks for labels beside them, so training needs
 * `--copy-images`.
 */
export async function writeYolo(
  ctx: WriteContext,
  split: string,
  items: ExportItem[],
  flavour: YoloFlavour,
) {
  const listed: string[] = []
  const labels = join(ctx.temp, 'labels', split)
  const relativePath = relativeFiles()
  // One tally for the whole split: the writer adds to it, so no object per image.
  const stats = emptyYoloStats()
  for (const item of items) {
    const size = item.width && item.height ? item : await sizeOf(ctx, item)
    if (!size.width || !size.height) {
      ctx.step()
      continue
    }
    const text = serializeYoloLabels(item.faces, size.width, size.height, flavour, stats)
    await writeText(ctx, join(labels, `${stemOf(item.path)}.txt`), text)
    listed.push(relativePath(ctx.out, item.file))
    ctx.step()
  }
  ctx.stats.clipped += stats.clipped
  ctx.stats.droppedBoxes += stats.dropped
  ctx.stats.pointsDropped += stats.pointsDropped
  ctx.stats.occludedAsVisible += stats.occludedAsVisible
  if (ctx.copyImages) {
    await copyAll(ctx, items, (item) => join('images', under(split, item.path)), false)
  } else {
    await writeText(
      ctx,
      join(ctx.temp, `${split || 'all'}.txt`),
      listed.map((p) => `${p}\n`).join(''),
    )
  }
}

/** The dataset YAML once all splits are written. */
export async function writeYoloYaml(ctx: WriteContext, flavour: YoloFlavour, splits: string[]) {
  const entry = (s: string) =>
    ctx.copyImages ? posix(join('images', s)) || 'images' : `${s || 'all'}.txt`
  const named: Record<string, string> = {}
  if (splits.includes('')) Object.assign(named, { train: entry(''), val: entry('') })
  for (const s of splits.filter(Boolean)) named[s] = entry(s)
  await writeText(ctx, join(ctx.temp, 'data.yaml'), datasetYaml(flavour, named))
}

/**
 * Aligned 112×112 crops, `<split>/<identity>/<image>_<n>.jpg`, one folder per labelled
 * identity and `_unlabelled` for the rest; faces without five positioned points are skipped.
 */
export async function writeAligned(ctx: WriteContext, split: string, items: ExportItem[]) {
  for (const item of items) {
    const alignable = item.faces.map((face) => alignmentFor(face.landmarks))
    ctx.stats.unalignable += alignable.filter((t) => !t).length
    if (!alignable.some(Boolean) || !(await exists(item.file))) {
      if (alignable.some(Boolean)) ctx.stats.missingImages++
      ctx.step()
      continue
    }

    const image = await decodeImage(item.file)
    for (const [n, t] of alignable.entries()) {
      if (!t) continue
      const identity = safeName(item.faces[n].identity) || '_unlabelled'
      const crop = warpSimilarity(image.rgb, image.width, image.height, t)
      const file = join(ctx.temp, under(split, identity, `${basename(stemOf(item.path))}_${n}.jpg`))
      await ensureDir(ctx, dirname(file))
      const raw = { width: ALIGNED_SIZE, height: ALIGNED_SIZE, channels: 3 as const }
      await sharp(crop, { raw }).jpeg({ quality: 95 }).toFile(file)
      ctx.stats.crops++
    }
    ctx.step()
  }
}

/** Identities become folder names: path separators and control characters are replaced. */
function safeName(identity: string | null | undefined): string {
  const printable = [...(identity ?? '')].map((c) => (c < ' ' ? '_' : c)).join('')
  return printable.replace(/[/\\]/g, '_').replace(/^\.+$/, '_')
}

async function copyAll(
  ctx: WriteContext,
  items: ExportItem[],
  target: (item: ExportItem) => string,
  step = true,
) {
  for (const item of items) {
    if (ctx.copyImages) {
      if (await exists(item.file)) {
        const file = join(ctx.temp, target(item))
        await ensureDir(ctx, dirname(file))
        await copyFile(item.file, file)
        ctx.stats.copied++
      } else ctx.stats.missingImages++
    }
    if (step) ctx.step()
  }
}

/** The stored upright size, or the header's when the store has none yet. */
async function sizeOf(ctx: WriteContext, item: ExportItem) {
  if (item.width && item.height) return { width: item.width, height: item.height }
  const info = await probeImage(item.file).catch(() => null)
  if (!info) ctx.stats.unsized++
  return { width: info?.width ?? null, height: info?.height ?? null }
}

/**
 * `relative(from, file)` in `/` form, with the folder part remembered per pair of folders:
 * 12,880 images in 61 event folders need 61 `relative` calls, not 12,880.
 */
function relativeFiles(): (from: string, file: string) => string {
  const folders = new Map<string, string>()
  return (from, file) => {
    const dir = dirname(file)
    const key = `${from}\0${dir}`
    let rel = folders.get(key)
    if (rel === undefined) {
      rel = posix(relative(from, dir))
      folders.set(key, rel)
    }
    return rel ? `${rel}/${basename(file)}` : basename(file)
  }
}

/** Writes one small file synchronously; see event-loop-turns.ts for why. */
async function writeText(ctx: WriteContext, file: string, text: string) {
  ensureDirSync(ctx, dirname(file))
  writeFileSync(file, text)
  await ctx.turn()
}

function ensureDirSync(ctx: WriteContext, dir: string) {
  if (ctx.dirs.has(dir)) return
  mkdirSync(dir, { recursive: true })
  ctx.dirs.add(dir)
}

async function ensureDir(ctx: WriteContext, dir: string) {
  if (ctx.dirs.has(dir)) return
  await mkdir(dir, { recursive: true })
  ctx.dirs.add(dir)
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  )
}
