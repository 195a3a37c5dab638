import type { FaceLabel, WiderAttributes } from '../../shared/face'
import { FormatError, parseNumbers, pathOf, splitLines, type ParseProblem } from './text'

/** One image of a `wider_face_*_bbx_gt.txt` file. */
export interface WiderGtEntry {
  /** Relative to `WIDER_<split>/images/`, exactly as written in the file. */
  path: string
  /** In file order; WIDER has no landmarks, so `landmarks` is always []. */
  faces: FaceLabel[]
  /** Degenerate or incomplete face lines, kept but reported. */
  problems: ParseProblem[]
}

export interface WiderGtWriteOptions {
  /** Round box values to integers as the official files have them; off keeps floats. */
  integers?: boolean
}

const FACE_COLUMNS = 'x1 y1 w h blur expression illumination invalid occlusion pose'
const VALUES_PER_FACE = 10
const DUMMY_LINE = '0 0 0 0 0 0 0 0 0 0 '

/**
 * Parse the official WIDER FACE ground truth. Tolerates CRLF, trailing spaces, zero-face
 * images with or without the dummy line of zeros, face lines with fewer than 10 values (the
 * missing attributes are 0, reported) and float coordinates; more than 10 values throws.
 * Degenerate boxes (w or h ≤ 0, 1 px) are kept and reported; broken structure throws a
 * FormatError with the line number.
 */
export function parseWiderGt(text: string): WiderGtEntry[] {
  const lines = splitLines(text)
  const entries: WiderGtEntry[] = []
  let i = 0

  while (i < lines.length) {
    // Blank lines between records (or at the end) carry nothing.
    if (lines[i].trim() === '') {
      i++
      continue
    }
    const path = pathOf(lines[i])
    if (parseNumbers(path, i + 1)) {
      throw new FormatError(i + 1, `expected an image path, found numbers "${path.trim()}"`)
    }

    const countLine = i + 1
    const count = Number(lines[countLine]?.trim())
    if (countLine >= lines.length || !/^\d+$/.test(lines[countLine].trim())) {
      throw new FormatError(
        countLine + 1,
        `expected the face count of "${path}", found "${lines[countLine] ?? 'end of file'}"`,
      )
    }
    i = countLine + 1

    const entry: WiderGtEntry = { path, faces: [], problems: [] }
    if (count === 0) {
      i = skipDummy(lines, i, entry.problems)
    }
    for (let k = 0; k < count; k++, i++) {
      if (i >= lines.length) {
        throw new FormatError(i + 1, `"${path}" announces ${count} faces but the file ends`)
      }
      entry.faces.push(parseFace(lines[i], i + 1, path, count, entry.problems))
    }
    entries.push(entry)
  }
  return entries
}

/** The `0 0 0 0 0 0 0 0 0 0` line after a zero count, when it is there. */
function skipDummy(lines: string[], i: number, problems: ParseProblem[]): number {
  const values = i < lines.length ? parseNumbers(lines[i], i + 1) : undefined
  if (!values || values.length < 4) return i

  if (values.some((v) => v !== 0)) {
    problems.push({ line: i + 1, message: 'face count is 0 but a face line follows; ignored' })
  }
  return i + 1
}

function parseFace(
  line: string,
  lineNo: number,
  path: string,
  count: number,
  problems: ParseProblem[],
): FaceLabel {
  const values = parseNumbers(line, lineNo)
  if (!values || values.length < 4) {
    throw new FormatError(
      lineNo,
      `"${path}" announces ${count} faces but this line is not a face: "${line.trim()}"`,
    )
  }
  // More than ten values is another layout (a RetinaFace line, a score column): which value
  // is which attribute cannot be told, so guessing would store wrong attributes silently.
  if (values.length > VALUES_PER_FACE) {
    throw new FormatError(
      lineNo,
      `face line has ${values.length} values; WIDER ground truth has 10 ` +
        `(${FACE_COLUMNS}) or 4 (the box alone). Remove the extra values, or import the ` +
        'file with the --format it was written in',
    )
  }
  if (values.length < VALUES_PER_FACE) {
    problems.push({
      line: lineNo,
      message:
        `face line has ${values.length} values instead of 10 (${FACE_COLUMNS}); ` +
        'the missing attributes are read as 0',
    })
  }

  const [x, y, w, h] = values
  if (!(w > 0) || !(h > 0)) {
    problems.push({ line: lineNo, message: `degenerate box ${w}x${h} (empty); kept` })
  } else if (w <= 1 || h <= 1) {
    problems.push({ line: lineNo, message: `${w}x${h} px box; kept` })
  }

  const attr = (index: number, max: number): number => {
    const v = values[index] ?? 0
    if (Number.isInteger(v) && v >= 0 && v <= max) return v
    problems.push({
      line: lineNo,
      message: `attribute ${index - 3} is ${v}, outside 0..${max}; set to 0`,
    })
    return 0
  }
  const attributes: WiderAttributes = {
    blur: attr(4, 2) as WiderAttributes['blur'],
    expression: attr(5, 1) as WiderAttributes['expression'],
    illumination: attr(6, 1) as WiderAttributes['illumination'],
    invalid: attr(7, 1) === 1,
    occlusion: attr(8, 2) as WiderAttributes['occlusion'],
    pose: attr(9, 1) as WiderAttributes['pose'],
  }
  return {
    box: { x, y, width: w, height: h },
    score: null,
    landmarks: [],
    attributes,
    quality: null,
  }
}

/**
 * Write the official form: path, count, one line of ten values per face with the trailing
 * space, and the dummy line of zeros for an image without faces. LF line endings.
 */
export function serializeWiderGt(
  entries: readonly { path: string; faces: readonly FaceLabel[] }[],
  options: WiderGtWriteOptions = {},
): string {
  const num = options.integers ? (v: number) => String(Math.round(v)) : (v: number) => String(v)
  const out: string[] = []

  for (const { path, faces } of entries) {
    out.push(path, String(faces.length))
    if (faces.length === 0) out.push(DUMMY_LINE)

    for (const { box, attributes: a } of faces) {
      const values = [num(box.x), num(box.y), num(box.width), num(box.height)]
      values.push(String(a.blur), String(a.expression), String(a.illumination))
      values.push(a.invalid ? '1' : '0', String(a.occlusion), String(a.pose))
      out.push(`${values.join(' ')} `)
    }
  }
  return out.length ? `${out.join('\n')}\n` : ''
}
