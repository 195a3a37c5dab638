import { Option } from 'commander'

/** The label store every command reads and writes; the desktop app keeps its own in userData. */
export const dbOption = () =>
  new Option('--db <file>', 'SQLite label store').default('facemark.sqlite')

/** Print an error the way every command does and mark the process as failed. */
export function fail(message: string): void {
  console.error(`facemark: ${message}`)
  process.exitCode = 1
}

/** Commander parser for counts and ids. */
export function toPositiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`expected a positive whole number, got "${value}"`)
  return n
}
