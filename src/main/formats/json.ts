import type { z } from 'zod'

import { FormatError } from './text'

/**
 * Reading the JSON formats (COCO, labelme): syntax errors point at `line:column`, and shape
 * errors at the JSON location (`annotations[12] (id 7).bbox[2]`), each saying what was
 * expected there, so a user can open the file and fix it.
 */

/** Valid JSON that does not have the shape of its format. */
export class JsonShapeError extends Error {
  constructor(
    /** Where in the document, e.g. `shapes[3] ("face").points`. */
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`)
    this.name = 'JsonShapeError'
  }
}

/**
 * `JSON.parse`, with a syntax error turned into a FormatError at its line and column. `what`
 * names the expected document for the message, e.g. "a COCO keypoints JSON file".
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    // V8 says "... in JSON at position N"; "Unexpected end of JSON input" has no position.
    const at = /at position (\d+)/.exec(error.message)
    const offset = at ? Number(at[1]) : text.length
    const before = text.slice(0, offset)
    const line = before.split('\n').length
    const column = offset - before.lastIndexOf('\n')
    const reason = error.message.replace(/ in JSON at position \d+.*$/, '')
    const truncated = offset >= text.trimEnd().length ? '; the file looks truncated' : ''
    throw new FormatError(line, `not valid JSON (${reason})${truncated}; expected ${what}`, column)
  }
}

/**
 * `data` checked against `schema`; the first problem throws a JsonShapeError naming the
 * location, with each array element's `id` or `label` to help find it in the file. `what`
 * names the expected document, for problems at the top level.
 */
export function checkShape<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data)
  if (result.success) return result.data

  const issue = result.error.issues[0]
  const where = locationOf(data, issue.path) || 'the top level'
  // Read back from the data: asking zod to report inputs costs its fast path on every file.
  const input = issue.path.reduce<unknown>((node, key) => childOf(node, key), data)
  const message = issue.message.replace(/^Invalid input: /, '')
  const reason =
    issue.code === 'invalid_type' && input === undefined
      ? `missing; ${message}`
      : `${message}${found(issue, input)}`
  // A top-level field that is off usually means another kind of file altogether.
  const context = issue.path.length <= 1 ? `; is this ${what}?` : ''
  throw new JsonShapeError(where, `${reason}${context}`)
}

/** `annotations[12] (id 7).bbox[2]`: JSON path segments with a handle on array elements. */
export function locationOf(data: unknown, path: readonly PropertyKey[]): string {
  let text = ''
  let node = data
  for (const key of path) {
    node = childOf(node, key)
    if (typeof key === 'number') {
      text += `[${key}]`
      const handle = handleOf(node)
      if (handle) text += ` (${handle})`
    } else text += text ? `.${String(key)}` : String(key)
  }
  return text
}

function childOf(node: unknown, key: PropertyKey): unknown {
  return typeof node === 'object' && node !== null
    ? (node as Record<PropertyKey, unknown>)[key]
    : undefined
}

function handleOf(node: unknown): string | undefined {
  if (!isRecord(node)) return undefined
  if (typeof node.id === 'number' || typeof node.id === 'string') return `id ${node.id}`
  if (typeof node.label === 'string') return JSON.stringify(node.label)
  return undefined
}

/** `, found "12"`: the offending value when it is short enough to quote. */
function found(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_value') return ''
  // JSON.stringify writes Infinity as null; the overflow message already says what it is.
  if (typeof input === 'number' && !Number.isFinite(input)) return ''
  const shown = JSON.stringify(input)
  return shown !== undefined && shown.length <= 40 ? `, found ${shown}` : ''
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
