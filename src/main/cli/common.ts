import { Option } from 'commander'

/** The label store every command reads and writes; the desktop app keeps its own in userData. */
export const dbOption = () =>
  new Option('--db <file>', 'SQLite label store').default('facemark.sqlite')

/** Print an error the way every command does and mark the process as failed. */
export function fail(message: string): void {
  console.error(`facemark: ${message}`)
  process.exitCode = 1
}
