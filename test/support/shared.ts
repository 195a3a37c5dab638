import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, whatever folder the test runner starts in. */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/**
 * The shared folders beside the checkout that hold what is never committed: model files, real
 * WIDER FACE photos with ground truth, and awkward inputs. CI points the variables at them.
 */
export const modelsDir = process.env.FACE_MODELS_DIR ?? resolve(repoRoot, '../shared/models')
export const sampleDir =
  process.env.FACE_DATA_DIR ?? resolve(repoRoot, '../shared/data/widerface-sample')
export const casesDir = process.env.FACE_CASES_DIR ?? resolve(repoRoot, '../shared/cases')
