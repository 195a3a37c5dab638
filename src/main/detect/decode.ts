import { PRIOR_STRIDE } from './priors'

/** Candidates before NMS, in network-input pixels, as parallel flat arrays. */
export interface Candidates {
  count: number
  /** x1, y1, x2, y2 per candidate */
  boxes: Float32Array
  scores: Float32Array
  /** five (x, y) pairs per candidate */
  landmarks: Float32Array
}

export interface DecodeOptions {
  scoreThreshold: number
  topK: number
  variance: readonly [number, number]
  /** Column of the face probability in the conf output (RetinaFace: 1). */
  faceColumn?: number
  /** Columns per conf row (RetinaFace: 2). */
  confColumns?: number
}

/**
 * Turn raw head outputs into candidate boxes and landmarks in input pixels, following the
 * RetinaFace decode (centre offsets scaled by variance[0], log sizes by variance[1]). Rows
 * under the threshold are skipped before any arithmetic: at 0.02 that is >95% of them.
 * Keeps the `topK` best-scoring rows.
 */
export function decodeDetections(
  loc: Float32Array,
  conf: Float32Array,
  landm: Float32Array,
  priors: Float32Array,
  inputW: number,
  inputH: number,
  options: DecodeOptions,
): Candidates {
  const faceColumn = options.faceColumn ?? 1
  const confColumns = options.confColumns ?? 2
  const rowCount = priors.length / PRIOR_STRIDE
  const [v0, v1] = options.variance

  // Select first, then decode only the survivors.
  let rows: number[] = []
  for (let r = 0; r < rowCount; r++) {
    if (conf[r * confColumns + faceColumn] >= options.scoreThreshold) rows.push(r)
  }
  if (rows.length > options.topK) {
    rows.sort((a, b) => conf[b * confColumns + faceColumn] - conf[a * confColumns + faceColumn])
    rows = rows.slice(0, options.topK)
  }

  const n = rows.length
  const out: Candidates = {
    count: n,
    boxes: new Float32Array(n * 4),
    scores: new Float32Array(n),
    landmarks: new Float32Array(n * 10),
  }

  rows.forEach((r, k) => {
    const p = r * PRIOR_STRIDE
    const [pcx, pcy, pw, ph] = [priors[p], priors[p + 1], priors[p + 2], priors[p + 3]]

    const cx = pcx + loc[r * 4] * v0 * pw
    const cy = pcy + loc[r * 4 + 1] * v0 * ph
    const w = pw * Math.exp(loc[r * 4 + 2] * v1)
    const h = ph * Math.exp(loc[r * 4 + 3] * v1)
    out.boxes[k * 4] = (cx - w / 2) * inputW
    out.boxes[k * 4 + 1] = (cy - h / 2) * inputH
    out.boxes[k * 4 + 2] = (cx + w / 2) * inputW
    out.boxes[k * 4 + 3] = (cy + h / 2) * inputH

    for (let i = 0; i < 5; i++) {
      out.landmarks[k * 10 + 2 * i] = (pcx + landm[r * 10 + 2 * i] * v0 * pw) * inputW
      out.landmarks[k * 10 + 2 * i + 1] = (pcy + landm[r * 10 + 2 * i + 1] * v0 * ph) * inputH
    }
    out.scores[k] = conf[r * confColumns + faceColumn]
  })

  return out
}
