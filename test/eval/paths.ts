import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The WIDER FACE sample shared next to the repository. */
export const SAMPLE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/widerface-sample',
)
export const GROUND_TRUTH = join(SAMPLE, 'ground_truth')

export function readSample(path: string): string {
  return readFileSync(join(SAMPLE, path), 'utf8')
}
