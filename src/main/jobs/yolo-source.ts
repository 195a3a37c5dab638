/** Reading YOLOv5-face and Ultralytics pose label folders as a label source for import. */
import { existsSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

import { parseYoloLabels } from '../formats/yolo'
import { splitLines } from '../formats/text'
import { turnTaker } from './event-loop-turns'
import { filesWith, isFolder, LocatedError, located, readText } from './label-files'
import type { LabelSource, SourceImage } from './label-sources'
import { scanFolder } from './scan-folder'

/** What a YOLO import reads, for messages. */
export const YOLO_INPUT =
  'a YOLO folder: labels/ beside images/, or label .txt files beside their images'

/** The image lists a YOLO export writes without copied images, one per split. */
const YOLO_LISTS = ['all.txt', 'train.txt', 'val.txt', 'test.txt']

/**
 * YOLO folders: `labels/<sub>/x.txt` beside `images/<sub>/x.jpg` (Ultralytics and
 * yolov5-face), a `labels` folder itself, or label files next to their images. Images without
 * a label file are background images with zero faces, as Ultralytics reads them. An export
 * that referenced its images has no `images/` but lists them in `all.txt` (or one list per
 * split), which is read instead.
 */
export async function readYolo(
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
