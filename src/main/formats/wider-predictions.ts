import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'

import type { Box } from '../../shared/face'
import { FormatError, parseNumbers, splitLines, type ParseProblem } from './text'

/** One detection as the WIDER evaluation reads it. */
export interface ScoredBox {
  box: Box
  score: number
}

/** A parsed prediction file: the name line and its rows in file order. */
export interface PredictionFile {
  name: string
  faces: ScoredBox[]
  problems: ParseProblem[]
}

/**
 * The image name without its last extension: `a.b.jpg` → `a.b`. Unlike the Python port's
 * `rstrip('.jpg')`, which strips characters and turns `...gpj.jpg` into `...`.
 */
export function stripExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return dot > 0 ? fileName.slice(0, dot) : fileName
}

/** `7--Cheering/x.jpg` → `7--Cheering/x.txt`, where the evaluation looks for it. */
export function predictionPath(imagePath: string): string {
  return `${stripExtension(imagePath)}.txt`
}

/**
 * One prediction file: name line, count, then `x y w h score` rows in descending score order,
 * because the official PR curve takes the last row above each threshold as a cut-off.
 */
export function serializePredictionFile(name: string, faces: readonly ScoredBox[]): string {
  const sorted = [...faces].sort((a, b) => b.score - a.score)
  const rows = sorted.map(
    ({ box, score }) => `${box.x} ${box.y} ${box.width} ${box.height} ${score}`,
  )
  return [name, String(sorted.length), ...rows].map((line) => `${line}\n`).join('')
}

/** Read a prediction file in whatever row order it was written. */
export function parsePredictionFile(text: string): PredictionFile {
  const lines = splitLines(text)
  if (lines.length < 2)
    throw new FormatError(lines.length + 1, 'expected a name line and a count line')

  const name = lines[0].replace(/[ \t]+$/, '')
  const countText = lines[1].trim()
  if (!/^\d+$/.test(countText))
    throw new FormatError(2, `expected the box count, found "${countText}"`)

  const file: PredictionFile = { name, faces: [], problems: [] }
  for (let i = 2; i < lines.length; i++) {
    if (lines[i].trim() === '') continue
    const values = parseNumbers(lines[i], i + 1)
    if (!values || values.length < 5) {
      throw new FormatError(i + 1, `expected "x y w h score", found "${lines[i].trim()}"`)
    }
    const [x, y, width, height, score] = values
    file.faces.push({ box: { x, y, width, height }, score })
  }

  if (file.faces.length !== Number(countText)) {
    file.problems.push({
      line: 2,
      message: `count says ${countText} but ${file.faces.length} boxes follow; all boxes read`,
    })
  }
  return file
}

/**
 * Write one file per image under `dir/<event>/<name>.txt`. Paths are `event/file.jpg` as in
 * the ground truth; names are used byte-for-byte, never URL-encoded or normalised.
 */
export async function writePredictionFolder(
  dir: string,
  images: Iterable<{ path: string; faces: readonly ScoredBox[] }>,
): Promise<number> {
  let written = 0
  const made = new Set<string>()

  for (const { path, faces } of images) {
    const slash = path.lastIndexOf('/')
    const event = slash >= 0 ? path.slice(0, slash) : ''
    const fileName = path.slice(slash + 1)

    const folder = join(dir, event)
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true })
      made.add(folder)
    }
    await writeFile(
      join(folder, `${stripExtension(fileName)}.txt`),
      serializePredictionFile(stripExtension(fileName), faces),
    )
    written++
  }
  return written
}

/**
 * Read a prediction folder back: key `event/name` (file name without `.txt`), the boxes in
 * file order. Files at the top level get the key `name`.
 */
export async function readPredictionFolder(dir: string): Promise<Map<string, PredictionFile>> {
  const result = new Map<string, PredictionFile>()
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })

  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.txt')) continue
    const folder = entry.parentPath
    const rel = relative(dir, folder).split(sep).join('/')
    const key = rel ? `${rel}/${entry.name.slice(0, -4)}` : entry.name.slice(0, -4)

    try {
      result.set(key, parsePredictionFile(await readFile(join(folder, entry.name), 'utf8')))
    } catch (error) {
      if (error instanceof FormatError) error.message = `${key}.txt ${error.message}`
      throw error
    }
  }
  return result
}
