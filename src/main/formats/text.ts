import { overflowMessage, parseDecimal } from './numbers'

/** Shared helpers for the line-based annotation formats. */

/** Something odd but recoverable in an input file, pointed at by its 1-based line number. */
export interface ParseProblem {
  line: number
  message: string
}

/**
 * A file that cannot be read as the format it claims to be; `line` (and `column`, where the
 * reader knows it) is 1-based. `reason` is the message without the position.
 */
export class FormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly column?: number,
  ) {
    super(`line ${line}${column ? `:${column}` : ''}: ${reason}`)
    this.name = 'FormatError'
  }
}

/**
 * Lines of a text file, whatever its line endings (LF, CRLF, lone CR) and with a UTF-8 BOM
 * dropped. Index i is line i + 1. The content of each line is untouched otherwise.
 */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const lines = body.split(/\r\n|\r|\n/)
  // A final newline ends the last line rather than starting an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * The whitespace-separated numbers of line `lineNo`, or undefined when any token is not a
 * plain decimal number (so a path is never mistaken for data). Trailing spaces are fine. A
 * decimal too large for a double (`1e400`) throws rather than becoming Infinity.
 */
export function parseNumbers(line: string, lineNo: number): number[] | undefined {
  const trimmed = line.trim()
  if (trimmed === '') return undefined

  const tokens = trimmed.split(/\s+/)
  const values = new Array<number>(tokens.length)
  for (let i = 0; i < tokens.length; i++) {
    const value = parseDecimal(tokens[i])
    if (Number.isNaN(value)) return undefined
    if (!Number.isFinite(value)) {
      throw new FormatError(lineNo, `value ${i + 1}: ${overflowMessage(tokens[i])}`)
    }
    values[i] = value
  }
  return values
}

/** A number as Python's `str(float)` writes it for ordinary values: `706.0`, `0.85`, `-1.0`. */
export function formatFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value)
}

/** A path line without its line-end residue; inner and leading characters are kept as-is. */
export function pathOf(line: string): string {
  return line.replace(/[ \t]+$/, '')
}
