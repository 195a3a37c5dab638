import type { PriorConfig } from '../models/manifest'

/** Values per prior row: cx, cy, w, h, all normalised by the network input size. */
export const PRIOR_STRIDE = 4

/**
 * The RetinaFace anchor layout for a network input of `width` x `height`: for each step (8,
 * 16, 32 in order), feature-map cells row-major over ceil(H/step) x ceil(W/step), then one
 * prior per min size of that step. Row r of the model outputs belongs to prior r.
 *
 * @returns a flat Float32Array of `count` rows of (cx, cy, w, h).
 */
export function buildPriors(
  config: Pick<PriorConfig, 'minSizes' | 'steps' | 'clip'>,
  width: number,
  height: number,
): { data: Float32Array; count: number } {
  const count = priorCount(config, width, height)
  const data = new Float32Array(count * PRIOR_STRIDE)
  let o = 0

  config.steps.forEach((step, level) => {
    const rows = Math.ceil(height / step)
    const cols = Math.ceil(width / step)
    const sizes = config.minSizes[level]
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const cx = ((j + 0.5) * step) / width
        const cy = ((i + 0.5) * step) / height
        for (const size of sizes) {
          data[o++] = cx
          data[o++] = cy
          data[o++] = size / width
          data[o++] = size / height
        }
      }
    }
  })

  if (config.clip) for (let k = 0; k < data.length; k++) data[k] = Math.min(1, Math.max(0, data[k]))
  return { data, count }
}

/** Rows the model outputs for this input size: sum over steps of cells x priors per cell. */
export function priorCount(
  config: Pick<PriorConfig, 'minSizes' | 'steps'>,
  width: number,
  height: number,
): number {
  return config.steps.reduce(
    (sum, step, level) =>
      sum + Math.ceil(height / step) * Math.ceil(width / step) * config.minSizes[level].length,
    0,
  )
}
