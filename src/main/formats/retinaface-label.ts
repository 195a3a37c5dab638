import {
  DEFAULT_ATTRIBUTES,
  type FaceLabel,
  type Landmark,
  type Visibility,
} from '../../shared/face'
import {
  FormatError,
  formatFloat,
  parseNumbers,
  pathOf,
  splitLines,
  type ParseProblem,
} from './text'
import { fromRetinaFaceFlag, toRetinaFaceFlag } from './visibility'

/** One `# path` block of a RetinaFace label.txt. */
export interface RetinaFaceEntry {
  /** Relative to `images/`, exactly as written after `# `. */
  path: string
  faces: FaceLabel[]
  problems: ParseProblem[]
}

export interface RetinaFaceWriteOptions {
  /**
   * `train`: 20 values per face (-1.0 for missing landmarks and quality); `val`: the box only;
   * `auto` (default): 20 values when the face has landmarks or a quality, else the box only,
   * which reproduces files that mix both.
   */
  layout?: 'train' | 'val' | 'auto'
}

const BOX_ONLY = 4
const WITH_LANDMARKS = 19
const WITH_QUALITY = 20

/** `-1.0`, `0.0`, `1.0`: flags from the shared visibility table, in Python float form. */
const flagText = (v: Visibility) => formatFloat(toRetinaFaceFlag(v))

/**
 * Parse a RetinaFace `label.txt` (train with landmarks, or val with boxes only). A face whose
 * five points are all -1 gets `landmarks: []`; the trailing per-face value is kept as
 * `quality`, never as a score.
 */
export function parseRetinaFaceLabels(text: string): RetinaFaceEntry[] {
  const lines = splitLines(text)
  const entries: RetinaFaceEntry[] = []
  let current: RetinaFaceEntry | undefined

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.startsWith('#')) {
      // The header is `# <path>`; a name may itself hold spaces or '#', so only one is cut.
      const path = pathOf(line.slice(line.startsWith('# ') ? 2 : 1))
      // An empty path would resolve to the images folder itself and register it as an image.
      if (path.trim() === '') {
        throw new FormatError(i + 1, 'header names no image; expected "# <event>/<file>.jpg"')
      }
      current = { path, faces: [], problems: [] }
      entries.push(current)
      continue
    }
    if (line.trim() === '') continue
    if (!current) throw new FormatError(i + 1, 'face line before the first "# <image path>" header')

    current.faces.push(parseFace(line, i + 1, current.problems))
  }
  return entries
}

function parseFace(line: string, lineNo: number, problems: ParseProblem[]): FaceLabel {
  const values = parseNumbers(line, lineNo)
  const n = values?.length
  if (!values || (n !== BOX_ONLY && n !== WITH_LANDMARKS && n !== WITH_QUALITY)) {
    throw new FormatError(
      lineNo,
      `expected 4 (box) or 20 (box, 5 points, quality) numbers, found "${line.trim()}"`,
    )
  }

  const [x, y, width, height] = values
  const face: FaceLabel = {
    box: { x, y, width, height },
    score: null,
    landmarks: [],
    attributes: { ...DEFAULT_ATTRIBUTES },
    quality: n === WITH_QUALITY ? values[19] : null,
  }
  if (!(width > 0) || !(height > 0)) {
    problems.push({ line: lineNo, message: `degenerate box ${width}x${height} (empty); kept` })
  }
  if (n === BOX_ONLY) return face

  const points: Landmark[] = []
  for (let k = 0; k < 5; k++) {
    const [px, py, flag] = values.slice(4 + 3 * k, 7 + 3 * k)
    let visibility = fromRetinaFaceFlag(flag)
    if (!visibility) {
      problems.push({
        line: lineNo,
        message: `point ${k} has flag ${flag}, not -1/0/1; read as visible`,
      })
      visibility = 'visible'
    }
    points.push({ x: px, y: py, visibility })
  }
  // All five unannotated means "no landmarks", not five points at the image corner.
  if (points.some((p) => p.visibility !== 'absent')) face.landmarks = points
  return face
}

/** Write RetinaFace label.txt text; boxes as given, points and flags in Python float form. */
export function serializeRetinaFaceLabels(
  entries: readonly { path: string; faces: readonly FaceLabel[] }[],
  options: RetinaFaceWriteOptions = {},
): string {
  const layout = options.layout ?? 'auto'
  const out: string[] = []

  for (const { path, faces } of entries) {
    out.push(`# ${path}`)
    for (const face of faces) out.push(faceLine(face, layout))
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

function faceLine(face: FaceLabel, layout: 'train' | 'val' | 'auto'): string {
  const { x, y, width, height } = face.box
  const box = `${x} ${y} ${width} ${height}`
  const full = face.landmarks.length > 0 || face.quality !== null
  if (layout === 'val' || (layout === 'auto' && !full)) return box

  const points =
    face.landmarks.length === 5
      ? face.landmarks.map((p) =>
          p.visibility === 'absent'
            ? '-1.0 -1.0 -1.0'
            : `${formatFloat(p.x)} ${formatFloat(p.y)} ${flagText(p.visibility)}`,
        )
      : Array.from({ length: 5 }, () => '-1.0 -1.0 -1.0')
  return `${box} ${points.join(' ')} ${formatFloat(face.quality ?? -1)}`
}
