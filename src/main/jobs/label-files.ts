/** Reading label files for import, with every error naming the file (and line) it is about. */
import { readFileSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { JsonShapeError } from '../formats/json'
import { FormatError } from '../formats/text'

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

/**
 * Put the file in front of a parser's error: `file:line:` (or `file:line:column:`) for a
 * FormatError, the form editors jump to; `file: where:` for JSON of the wrong shape. Errors
 * that already name their file pass unchanged.
 */
export function located(error: unknown, file: string): Error {
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
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw located(error, file)
  }
}

export async function filesWith(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith(ext))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

export function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false
}
