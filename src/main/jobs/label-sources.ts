import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

import { DEFAULT_ATTRIBUTES } from '../../shared/face'
import type { ImportFormat } from '../../shared/label-formats'
import { readMat } from '../eval/mat'
import { readWiderMat, WIDER_SETTINGS, type WiderSetting } from '../eval/wider-mat'
import { parseCoco } from '../formats/coco'
import { JsonShapeError } from '../formats/json'
import type { FaceRecord, LabelledImage } from '../formats/labelled-image'
import { parseLabelme } from '../formats/labelme'
import { parseRetinaFaceLabels } from '../formats/retinaface-label'
import { FormatError, splitLines } from '../formats/text'
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
const YOLO_INPUT = 'a YOLO folder: labels/ beside images/, or label .txt files beside their images'
/** The image lists a YOLO export writes without copied images, one per split. */
const YOLO_LISTS = ['all.txt', 'train.txt', 'val.txt', 'test.txt']

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

/**
 * An import error whose message already names its file. `code` keeps the file system's code,
 * so that callers can still tell "not found" (ENOENT) from a malformed file.
 */
export class LocatedError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'LocatedError'
  }
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

/**
 * Put the file in front of a parser's error: `file:line:` (or `file:line:column:`) for a
 * FormatError, the form editors jump to; `file: where:` for JSON of the wrong shape. Errors
 * that already name their file pass unchanged.
 */
function located(error: unknown, file: string): Error {
  if (error instanceof LocatedError) return error
  if (error instanceof FormatError) {
    const at = error.column ? `${error.line}:${error.column}` : `${error.line}`
    return new LocatedError(`${file}:${at}: ${error.reason}`)
  }
  if (error instanceof JsonShapeError) return new LocatedError(`${file}: ${error.message}`)

  const { code, syscall, path } = error as NodeJS.ErrnoException
  if (code && syscall) {
    return new LocatedError(
      `${path ?? file}: cannot be read (${code}); check that it exists and is readable`,
      code,
    )
  }
  return new LocatedError(`${file}: ${error instanceof Error ? error.message : String(error)}`)
}

/** Read a label file as UTF-8, saying which one when it cannot be read. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw located(error, file)
  }
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

/**
 * YOLO folders: `labels/<sub>/x.txt` beside `images/<sub>/x.jpg` (Ultralytics and
 * yolov5-face), a `labels` folder itself, or label files next to their images. Images without
 * a label file are background images with zero faces, as Ultralytics reads them. An export
 * that referenced its images has no `images/` but lists them in `all.txt` (or one list per
 * split), which is read instead.
 */
async function readYolo(
  flavour: 'yolo-face' | 'yolo-pose',
  path: string,
  imagesDir?: string,
): Promise<LabelSource> {
  let labelsDir = path
  let top = path
  let dir = imagesDir
  if (isFolder(join(path, 'labels'))) {
    labelsDir = join(path, 'labels')
    dir ??= join(path, 'images')
  } else if (basename(path) === 'labels') {
    top = dirname(path)
    dir ??= join(top, 'images')
  }
  dir ??= path

  const labelFiles = (await filesWith(labelsDir, '.txt')).filter((file) => {
    const rel = relative(labelsDir, file).split(sep).join('/')
    return basename(rel) !== 'classes.txt' && !(!rel.includes('/') && YOLO_LISTS.includes(rel))
  })
  if (labelFiles.length === 0) {
    throw new LocatedError(`${labelsDir}: no label .txt file here; expected ${YOLO_INPUT}`)
  }
  const read = (file: string) => yoloImage(file, readText(file), flavour)

  if (!isFolder(dir)) {
    const lists = YOLO_LISTS.map((name) => join(top, name)).filter((file) => existsSync(file))
    if (lists.length === 0) {
      throw new LocatedError(
        `${top}: no images folder ${dir} and no image list (${YOLO_LISTS.join(', ')}); ` +
          'YOLO labels are fractions of the image size, so the images are needed: pass ' +
          '--images <the folder the images are in>',
      )
    }
    return readYoloLists(lists, labelsDir, labelFiles, read)
  }

  const scanned = await scanFolder(dir)
  const byStem = new Map(scanned.map((f) => [stem(f.relPath), f]))
  const images: SourceImage[] = []
  const labelled = new Set<string>()
  const turn = turnTaker()

  for (const file of labelFiles) {
    const rel = relative(labelsDir, file).split(sep).join('/')
    const image = byStem.get(stem(rel))
    if (!image)
      throw new LocatedError(
        `${file}: no image ${stem(rel)}.* under ${dir}; normalised labels need the image size`,
      )
    labelled.add(image.relPath)

    await turn()
    images.push({ ...read(file), path: image.relPath, file: image.absPath })
  }
  for (const f of scanned) {
    if (labelled.has(f.relPath)) continue
    images.push(backgroundImage(f.relPath, f.absPath))
  }
  return { imagesDir: dir, images, problems: [] }
}

/**
 * The images of `all.txt` / `<split>.txt` (paths relative to the list's folder), each with
 * the label file of `labels/[<split>/]` whose path, without extension, ends its own path.
 */
async function readYoloLists(
  lists: string[],
  labelsDir: string,
  labelFiles: string[],
  read: (labelFile: string) => SourceImage,
): Promise<LabelSource> {
  const byStem = new Map(
    labelFiles.map((file) => [stem(relative(labelsDir, file).split(sep).join('/')), file]),
  )
  const used = new Set<string>()
  const images: SourceImage[] = []
  const turn = turnTaker()

  for (const list of lists) {
    const split = basename(list, '.txt')
    const prefix = split === 'all' ? '' : `${split}/`
    for (const line of splitLines(readText(list))) {
      const written = line.trim()
      if (written === '') continue
      const file = isAbsolute(written) ? written : resolve(dirname(list), written)
      const parts = stem(written.split(sep).join('/')).split('/')
      // The longest ending of the image path that names a label file is its label.
      let label: string | undefined
      for (let k = parts.length; k > 0 && !label; k--) {
        label = byStem.get(prefix + parts.slice(-k).join('/'))
      }
      if (!label) {
        images.push(backgroundImage(written, file))
        continue
      }
      used.add(label)
      await turn()
      images.push({ ...read(label), path: written, file })
    }
  }
  const orphan = labelFiles.find((file) => !used.has(file))
  if (orphan) {
    throw new LocatedError(
      `${orphan}: no image listed in ${lists.map((l) => basename(l)).join(', ')} for this ` +
        'label file; normalised labels need the image size: pass --images <the images folder>',
    )
  }
  return { imagesDir: dirname(lists[0]), images, problems: [] }
}

/** One labelled image of a YOLO folder; its faces are read once its size is known. */
function yoloImage(
  labelFile: string,
  text: string,
  flavour: 'yolo-face' | 'yolo-pose',
): SourceImage {
  const facesForSize = (width: number, height: number) => {
    try {
      return parseYoloLabels(text, width, height, flavour)
    } catch (error) {
      throw located(error, labelFile)
    }
  }
  return { path: '', file: '', width: null, height: null, faces: [], facesForSize }
}

/** An image without a label file: no face, as Ultralytics reads it. */
function backgroundImage(path: string, file: string): SourceImage {
  return { path, file, width: null, height: null, faces: [], facesForSize: () => [] }
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
