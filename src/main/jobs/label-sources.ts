import { readFileSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'

import { DEFAULT_ATTRIBUTES } from '../../shared/face'
import type { ImportFormat } from '../../shared/label-formats'
import { readWiderMat, WIDER_SETTINGS, type WiderSetting } from '../eval/wider-mat'
import { parseCoco } from '../formats/coco'
import type { FaceRecord, LabelledImage } from '../formats/labelled-image'
import { parseLabelme } from '../formats/labelme'
import { parseRetinaFaceLabels } from '../formats/retinaface-label'
import { FormatError } from '../formats/text'
import { parseWiderGt } from '../formats/wider-gt'
import { parseYoloLabels } from '../formats/yolo'
import { turnTaker } from './event-loop-turns'
import { scanFolder } from './scan-folder'

export { IMPORT_FORMATS, type ImportFormat } from '../../shared/label-formats'

/**
 * Formats whose labels stand alone in one file (or the folder of .mat files): reading them
 * needs no scan of the images and no image size, so it can be done synchronously.
 */
export const STANDALONE_FORMATS = ['wider', 'wider-mat', 'retinaface', 'coco'] as const
export type StandaloneFormat = (typeof STANDALONE_FORMATS)[number]

/** Something odd but recoverable, pointed at by file and line (or JSON location). */
export interface ImportProblem {
  file: string
  line: number | null
  message: string
}

/** A face as a source gives it, with the WIDER settings it counts in when the source says. */
export interface SourceFace extends FaceRecord {
  /** From the official .mat gt_lists; undefined for every other source. */
  subsets?: readonly WiderSetting[]
}

/** One image as a label file describes it, with its absolute file path resolved. */
export interface SourceImage extends LabelledImage {
  file: string
  faces: SourceFace[]
  /** Normalised formats: faces need the image size, known only once the image is probed. */
  facesForSize?: (width: number, height: number) => FaceRecord[]
}

export interface LabelSource {
  /** The folder image paths are relative to (the dataset root is derived from it). */
  imagesDir: string
  images: SourceImage[]
  problems: ImportProblem[]
}

/**
 * Read the label file or folder of one format. Structural errors throw with `file:line:`;
 * recoverable oddities come back as problems. `imagesDir` overrides the per-format default.
 */
export async function readLabelSource(
  format: ImportFormat,
  path: string,
  imagesDir?: string,
): Promise<LabelSource> {
  if (isStandalone(format)) return readLabelFile(format, path, imagesDir)
  const abs = resolve(path)
  const images = imagesDir ? resolve(imagesDir) : undefined
  try {
    if (format === 'labelme') return await readLabelme(abs, images)
    return await readYolo(format, abs, images)
  } catch (error) {
    throw withLine(error, abs)
  }
}

/** {@link readLabelSource} for the formats that stand alone, synchronously. */
export function readLabelFile(
  format: StandaloneFormat,
  path: string,
  imagesDir?: string,
): LabelSource {
  const abs = resolve(path)
  const images = imagesDir ? resolve(imagesDir) : undefined
  try {
    if (format === 'coco') return readCoco(abs, images)
    if (format === 'wider-mat') return readMatFolder(abs, images)
    return readTextFormat(format, abs, images)
  } catch (error) {
    throw withLine(error, abs)
  }
}

function isStandalone(format: ImportFormat): format is StandaloneFormat {
  return (STANDALONE_FORMATS as readonly string[]).includes(format)
}

/** A parser's `line N:` error becomes `file:N:`, the form editors jump to. */
function withLine(error: unknown, file: string): unknown {
  if (!(error instanceof FormatError)) return error
  return new Error(`${file}:${error.line}: ${error.message.replace(/^line \d+: /, '')}`)
}

function readTextFormat(
  format: 'wider' | 'retinaface',
  file: string,
  imagesDir?: string,
): LabelSource {
  const text = readFileSync(file, 'utf8')
  const entries = format === 'wider' ? parseWiderGt(text) : parseRetinaFaceLabels(text)
  const dir = imagesDir ?? defaultTextImagesDir(format, file)

  const problems = entries.flatMap((e) => e.problems.map((p) => ({ file, ...p })))
  const images = entries.map((e) => ({
    path: e.path,
    file: resolve(dir, e.path),
    width: null,
    height: null,
    faces: e.faces,
  }))
  return { imagesDir: dir, images, problems }
}

/** WIDER: `<root>/wider_face_split/wider_face_val_bbx_gt.txt` → `<root>/WIDER_val/images`. */
function defaultTextImagesDir(format: 'wider' | 'retinaface', file: string): string {
  const here = dirname(file)
  const split = /wider_face_(\w+?)_bbx_gt/.exec(basename(file))?.[1]
  return firstFolder(
    [
      ...(format === 'wider' && split ? [join(here, '..', `WIDER_${split}`, 'images')] : []),
      join(here, 'images'),
    ],
    here,
  )
}

/**
 * The official evaluation files: `wider_face_val.mat` and the easy/medium/hard gt_lists, in
 * a folder (naming one of the files works too). Every face keeps the settings it counts in;
 * a setting whose .mat is absent is left out for all faces rather than guessed.
 */
function readMatFolder(path: string, imagesDir?: string): LabelSource {
  // statSync, not isFolder: a path that is not there must fail, not fall back to its parent.
  const dir = statSync(path).isDirectory() ? path : dirname(path)
  const all = readWiderMat(dir)
  const settings = WIDER_SETTINGS.filter((s) => all.every((image) => image.counted[s]))
  const root = imagesDir ?? defaultMatImagesDir(dir)

  const images = all.map((image) => ({
    path: image.path,
    file: resolve(root, image.path),
    width: null,
    height: null,
    faces: image.boxes.map((box, i) => ({
      box,
      score: null,
      landmarks: [],
      attributes: image.attributes[i] ?? { ...DEFAULT_ATTRIBUTES },
      quality: null,
      subsets: settings.filter((s) => image.counted[s]?.includes(i)),
    })),
  }))
  return { imagesDir: root, images, problems: [] }
}

/** The .mat files cover val only: `WIDER_val/images` (official) or `val/images` beside them. */
function defaultMatImagesDir(dir: string): string {
  const candidates = [join(dir, '..', 'WIDER_val', 'images'), join(dir, '..', 'val', 'images')]
  return firstFolder([...candidates, join(dir, 'images')], dir)
}

function firstFolder(candidates: string[], fallback: string): string {
  return resolve(candidates.find(isFolder) ?? fallback)
}

function readCoco(file: string, imagesDir?: string): LabelSource {
  const parsed = parseCoco(readFileSync(file, 'utf8'))
  const dir = imagesDir ?? dirname(file)
  return {
    imagesDir: dir,
    images: parsed.images.map((image) => ({ ...image, file: resolve(dir, image.path) })),
    problems: parsed.problems.map((p) => ({
      file: `${file} ${p.where}`,
      line: null,
      message: p.message,
    })),
  }
}

/** labelme keeps one JSON per image; `imagePath` is relative to the JSON's own folder. */
async function readLabelme(path: string, imagesDir?: string): Promise<LabelSource> {
  const folder = isFolder(path)
  const files = folder ? await filesWith(path, '.json') : [path]
  const images: SourceImage[] = []
  const problems: ImportProblem[] = []
  const turn = turnTaker()

  for (const file of files) {
    await turn()
    let parsed: ReturnType<typeof parseLabelme>
    try {
      parsed = parseLabelme(readFileSync(file, 'utf8'))
    } catch (error) {
      throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`)
    }
    images.push({ ...parsed.image, file: resolve(dirname(file), parsed.image.path) })
    for (const message of parsed.problems) problems.push({ file, line: null, message })
  }
  return { imagesDir: imagesDir ?? (folder ? path : dirname(path)), images, problems }
}

/**
 * YOLO folders: `labels/<sub>/x.txt` beside `images/<sub>/x.jpg` (Ultralytics and
 * yolov5-face), a `labels` folder itself, or label files next to their images. Images without
 * a label file are background images with zero faces, as Ultralytics reads them.
 */
async function readYolo(
  flavour: 'yolo-face' | 'yolo-pose',
  path: string,
  imagesDir?: string,
): Promise<LabelSource> {
  let labelsDir = path
  let dir = imagesDir
  if (isFolder(join(path, 'labels'))) {
    labelsDir = join(path, 'labels')
    dir ??= join(path, 'images')
  } else if (basename(path) === 'labels') {
    dir ??= join(dirname(path), 'images')
  }
  dir ??= path

  const scanned = await scanFolder(dir)
  const byStem = new Map(scanned.map((f) => [stem(f.relPath), f]))
  const images: SourceImage[] = []
  const labelled = new Set<string>()
  const turn = turnTaker()

  for (const file of await filesWith(labelsDir, '.txt')) {
    const rel = relative(labelsDir, file).split(sep).join('/')
    if (
      basename(rel) === 'classes.txt' ||
      (!rel.includes('/') && /^(train|val|test)\.txt$/.test(rel))
    )
      continue
    const image = byStem.get(stem(rel))
    if (!image)
      throw new Error(
        `${file}: no image ${stem(rel)}.* under ${dir}; normalised labels need the image size`,
      )
    labelled.add(image.relPath)

    await turn()
    const text = readFileSync(file, 'utf8')
    const facesForSize = (width: number, height: number) => {
      try {
        return parseYoloLabels(text, width, height, flavour)
      } catch (error) {
        if (error instanceof FormatError)
          throw new Error(`${file}:${error.line}: ${error.message.replace(/^line \d+: /, '')}`)
        throw error
      }
    }
    images.push({
      path: image.relPath,
      file: image.absPath,
      width: null,
      height: null,
      faces: [],
      facesForSize,
    })
  }
  for (const f of scanned) {
    if (labelled.has(f.relPath)) continue
    images.push({
      path: f.relPath,
      file: f.absPath,
      width: null,
      height: null,
      faces: [],
      facesForSize: () => [],
    })
  }
  return { imagesDir: dir, images, problems: [] }
}

function stem(relPath: string): string {
  const dot = relPath.lastIndexOf('.')
  return dot > relPath.lastIndexOf('/') ? relPath.slice(0, dot) : relPath
}

async function filesWith(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith(ext))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false
}
