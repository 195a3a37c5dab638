import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

import { DEFAULT_ATTRIBUTES } from '../../shared/face'
import type { ImportFormat } from '../../shared/label-formats'
import { readMat } from '../eval/mat'
import { readWiderMat, WIDER_SETTINGS, type WiderSetting } from '../eval/wider-mat'
import { parseCoco } from '../formats/coco'
import type { FaceRecord, LabelledImage } from '../formats/labelled-image'
import { parseLabelme } from '../formats/labelme'
import { parseRetinaFaceLabels } from '../formats/retinaface-label'
import { parseWiderGt } from '../formats/wider-gt'
import { turnTaker } from './event-loop-turns'
import { filesWith, isFolder, LocatedError, located, readText } from './label-files'
import { readYolo, YOLO_INPUT } from './yolo-source'

export { IMPORT_FORMATS, type ImportFormat } from '../../shared/label-formats'
export { LocatedError } from './label-files'

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

/** The official evaluation files; the first is required, the settings are optional. */
const MAT_FILES = [
  'wider_face_val.mat',
  ...WIDER_SETTINGS.map((setting) => `wider_${setting}_val.mat`),
]
/** What readWiderMat needs from each file, to say which one lacks it. */
const MAT_VARIABLES: Record<string, string[]> = {
  'wider_face_val.mat': [
    'event_list',
    'file_list',
    'face_bbx_list',
    ...['blur', 'expression', 'illumination', 'invalid', 'occlusion', 'pose'].map(
      (key) => `${key}_label_list`,
    ),
  ],
}

/** What each format reads, for messages, and whether that is a file, a folder or either. */
const INPUTS: Record<ImportFormat, { expected: string; takes: 'file' | 'folder' | 'either' }> = {
  wider: { expected: 'a WIDER FACE wider_face_<split>_bbx_gt.txt file', takes: 'file' },
  retinaface: { expected: 'a RetinaFace label.txt file', takes: 'file' },
  coco: { expected: 'a COCO keypoints JSON file', takes: 'file' },
  labelme: { expected: 'a labelme JSON file or a folder of them', takes: 'either' },
  'yolo-face': { expected: YOLO_INPUT, takes: 'folder' },
  'yolo-pose': { expected: YOLO_INPUT, takes: 'folder' },
  'wider-mat': {
    expected: `the official WIDER val .mat files (${MAT_FILES.join(', ')}) or their folder`,
    takes: 'either',
  },
}

/** File names a folder given in place of a file may hold, to suggest one. */
const LIKELY_FILES: Partial<Record<ImportFormat, RegExp>> = {
  wider: /_bbx_gt\.txt$/,
  retinaface: /^label\.txt$/,
  coco: /\.json$/,
}

/**
 * Read the label file or folder of one format. Every error names the file (with `:line` or
 * the JSON location where there is one) and says what was expected; recoverable oddities
 * come back as problems. `imagesDir` overrides the per-format default.
 */
export async function readLabelSource(
  format: ImportFormat,
  path: string,
  imagesDir?: string,
): Promise<LabelSource> {
  if (isStandalone(format)) return readLabelFile(format, path, imagesDir)
  const abs = resolve(path)
  checkInput(format, abs)
  const images = imagesFolder(imagesDir)
  try {
    if (format === 'labelme') return await readLabelme(abs, images)
    return await readYolo(format, abs, images)
  } catch (error) {
    throw located(error, abs)
  }
}

/** {@link readLabelSource} for the formats that stand alone, synchronously. */
export function readLabelFile(
  format: StandaloneFormat,
  path: string,
  imagesDir?: string,
): LabelSource {
  const abs = resolve(path)
  checkInput(format, abs)
  const images = imagesFolder(imagesDir)
  try {
    if (format === 'coco') return readCoco(abs, images)
    if (format === 'wider-mat') return readMatFolder(abs, images)
    return readTextFormat(format, abs, images)
  } catch (error) {
    throw located(error, abs)
  }
}

function isStandalone(format: ImportFormat): format is StandaloneFormat {
  return (STANDALONE_FORMATS as readonly string[]).includes(format)
}

/** The path exists and is what the format reads: a file, a folder, or either. */
function checkInput(format: ImportFormat, abs: string): void {
  const { expected, takes } = INPUTS[format]
  const info = statSync(abs, { throwIfNoEntry: false })
  if (!info) throw new LocatedError(`${abs}: not found; expected ${expected}`, 'ENOENT')
  if (info.isDirectory() && takes === 'file') {
    const likely = likelyFiles(abs, LIKELY_FILES[format])
    const hint = likely.length ? `, e.g. ${likely.join(' or ')}` : ''
    throw new LocatedError(`${abs} is a folder; expected ${expected}${hint}`, 'EISDIR')
  }
  if (!info.isDirectory() && takes === 'folder') {
    throw new LocatedError(`${abs} is a file; expected ${expected}`, 'ENOTDIR')
  }
}

/** `--images`, when given, must be a folder: a wrong one would only show as missing images. */
function imagesFolder(imagesDir: string | undefined): string | undefined {
  if (imagesDir === undefined) return undefined
  const abs = resolve(imagesDir)
  const info = statSync(abs, { throwIfNoEntry: false })
  if (info?.isDirectory()) return abs
  const what = info ? 'is not a folder' : 'does not exist'
  throw new LocatedError(
    `--images ${abs} ${what}; give the folder the image paths in the labels are relative to`,
    info ? 'ENOTDIR' : 'ENOENT',
  )
}

/** Up to three files in `dir` or one level down whose name fits `pattern`. */
function likelyFiles(dir: string, pattern: RegExp | undefined): string[] {
  if (!pattern) return []
  const found: string[] = []
  const look = (folder: string, depth: number) => {
    const entries = readdirSync(folder, { withFileTypes: true })
    for (const entry of entries) {
      if (found.length >= 3) return
      const path = join(folder, entry.name)
      if (entry.isFile() && pattern.test(entry.name)) found.push(path)
      else if (entry.isDirectory() && depth === 0 && entry.name !== 'images') look(path, 1)
    }
  }
  look(dir, 0)
  return found.sort()
}

function readTextFormat(
  format: 'wider' | 'retinaface',
  file: string,
  imagesDir?: string,
): LabelSource {
  const text = readText(file)
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
  const folder = statSync(path).isDirectory()
  if (!folder && !MAT_FILES.includes(basename(path))) {
    throw new LocatedError(
      `${path}: expected one of the official WIDER val .mat files (${MAT_FILES.join(', ')}), ` +
        'which are read together, or the folder that holds them',
    )
  }
  const dir = folder ? path : dirname(path)
  const main = join(dir, MAT_FILES[0])
  if (!existsSync(main)) {
    throw new LocatedError(
      `${dir}: no ${MAT_FILES[0]} here; expected the folder of the official WIDER val .mat ` +
        `files (${MAT_FILES.join(', ')})`,
      'ENOENT',
    )
  }
  let all: ReturnType<typeof readWiderMat>
  try {
    all = readWiderMat(dir)
  } catch (error) {
    throw whichMatFile(dir, error)
  }
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

/**
 * readWiderMat reads up to four files and its errors name none of them. Only once it failed,
 * each file is read on its own to find the one that is damaged or lacks a variable.
 */
function whichMatFile(dir: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error)
  for (const name of MAT_FILES) {
    const file = join(dir, name)
    if (!existsSync(file)) continue
    let variables: Map<string, unknown>
    try {
      variables = readMat(readFileSync(file))
    } catch (fileError) {
      const why = fileError instanceof Error ? fileError.message : String(fileError)
      return new LocatedError(
        `${file}: cannot be read as an official WIDER val .mat file (${why}); is it ` +
          'truncated or damaged?',
      )
    }
    const needed = MAT_VARIABLES[name] ?? ['gt_list']
    const lacking = needed.filter((variable) => !variables.has(variable))
    if (lacking.length) {
      return new LocatedError(
        `${file}: lacks ${lacking.join(', ')}; expected an official WIDER val .mat file ` +
          '(is it truncated or another file under this name?)',
      )
    }
  }
  return new LocatedError(`${dir}: ${reason}; expected the official WIDER val .mat files`)
}

/** The .mat files cover val only: `WIDER_val/images` (official) or `val/images` beside them. */
function defaultMatImagesDir(dir: string): string {
  const candidates = [join(dir, '..', 'WIDER_val', 'images'), join(dir, '..', 'val', 'images')]
  return firstFolder([...candidates, join(dir, 'images')], dir)
}

function firstFolder(candidates: string[], fallback: string): string {
  return resolve(candidates.find(isFolder) ?? fallback)
}

/**
 * COCO `file_name`s are relative to an images folder: `--images`, else the one the file
 * records in `info.images_dir` (a facemark export does; relative to the JSON's folder), else
 * the JSON's own folder.
 */
function readCoco(file: string, imagesDir?: string): LabelSource {
  const parsed = parseCoco(readText(file))
  const recorded = parsed.imagesDir === null ? undefined : resolve(dirname(file), parsed.imagesDir)
  const dir = imagesDir ?? recorded ?? dirname(file)
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

/**
 * labelme keeps one JSON per image and `imagePath` is relative to the JSON's own folder (the
 * labelme convention), so it may point anywhere, e.g. at images an export only referenced.
 */
async function readLabelme(path: string, imagesDir?: string): Promise<LabelSource> {
  const folder = isFolder(path)
  const files = folder ? await filesWith(path, '.json') : [path]
  if (files.length === 0) {
    throw new LocatedError(`${path}: no .json file here; expected ${INPUTS.labelme.expected}`)
  }
  const images: SourceImage[] = []
  const problems: ImportProblem[] = []
  const turn = turnTaker()

  for (const file of files) {
    await turn()
    let parsed: ReturnType<typeof parseLabelme>
    try {
      parsed = parseLabelme(readText(file))
    } catch (error) {
      throw located(error, file)
    }
    images.push({ ...parsed.image, file: resolve(dirname(file), parsed.image.path) })
    for (const message of parsed.problems) problems.push({ file, line: null, message })
  }
  return { imagesDir: imagesDir ?? (folder ? path : dirname(path)), images, problems }
}
