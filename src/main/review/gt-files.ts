import { readFileSync, statSync } from 'node:fs'

import { DEFAULT_ATTRIBUTES, type FaceLabel } from '../../shared/face'
import { readWiderMat, WIDER_SETTINGS, type WiderSetting } from '../eval/wider-mat'
import { parseRetinaFaceLabels } from '../formats/retinaface-label'
import { parseWiderGt } from '../formats/wider-gt'

/** Which kind of ground truth a path held. */
export type GtSource = 'mat' | 'wider-gt' | 'retinaface'

/** One image of a ground-truth file. */
export interface GtFileImage {
  /** `event/name` without extension: how WIDER files and the dataset's images meet. */
  key: string
  faces: FaceLabel[]
  /** Per WIDER setting, the indices into `faces` that count (from the .mat gt_lists). */
  subsets?: Partial<Record<WiderSetting, number[]>>
}

export interface GtFiles {
  source: GtSource
  images: GtFileImage[]
  /** The WIDER settings every image carries; empty for text ground truth. */
  settings: WiderSetting[]
}

/**
 * Read ground truth from a folder of the official .mat files, a wider_face_*_bbx_gt.txt, or
 * a RetinaFace label.txt (told apart by its `# path` header lines).
 *
 * TODO(review): switch to the general importer in src/main/formats once it lands; this reader
 * covers the three formats the WIDER protocol and the landmark NME need.
 */
export function readGtFiles(path: string): GtFiles {
  if (statSync(path).isDirectory()) return readMatFolder(path)

  const text = readFileSync(path, 'utf8')
  const retinaface = text.trimStart().startsWith('#')
  const entries = retinaface ? parseRetinaFaceLabels(text) : parseWiderGt(text)
  return {
    source: retinaface ? 'retinaface' : 'wider-gt',
    images: entries.map((e) => ({ key: keyOf(e.path), faces: e.faces })),
    settings: [],
  }
}

function readMatFolder(dir: string): GtFiles {
  const all = readWiderMat(dir)
  const settings = WIDER_SETTINGS.filter((s) => all.every((image) => image.counted[s]))
  const images = all.map((image) => ({
    key: `${image.event}/${image.name}`,
    faces: image.boxes.map((box, i) => ({
      box,
      score: null,
      landmarks: [],
      attributes: image.attributes[i] ?? { ...DEFAULT_ATTRIBUTES },
      quality: null,
    })),
    subsets: image.counted,
  }))
  return { source: 'mat', images, settings }
}

/** `0--Parade/x.jpg` → `0--Parade/x`: the extension is the only part dropped. */
export function keyOf(path: string): string {
  return path.replace(/\.[^./]*$/, '')
}
