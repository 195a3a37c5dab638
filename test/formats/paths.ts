import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The shared read-only data next to the repository (cases and the WIDER sample). */
export const SHARED = join(dirname(fileURLToPath(import.meta.url)), '../../../shared')
export const CASES = join(SHARED, 'cases')
export const SAMPLE = join(SHARED, 'data/widerface-sample')

export function readText(...parts: string[]): string {
  return readFileSync(join(...parts), 'utf8')
}

export function readJson<T>(...parts: string[]): T {
  return JSON.parse(readText(...parts)) as T
}
