import type { Candidates } from './decode'

/** The raw outputs of one stride of an SCRFD model. */
export interface ScrfdLevel {
  stride: number
  /** One face score per anchor point, already through the model's sigmoid. */
  scores: Float32Array
  /** Distances (left, top, right, bottom) from the anchor point, in units of the stride. */
  boxes: Float32Array
  /** Five (dx, dy) keypoint offsets from the anchor point, in units of the stride. */
  keypoints: Float32Array
}

export interface ScrfdDecodeOptions {
  scoreThreshold: number
  topK: number
  /** Anchor points per feature-map cell (2 in the published SCRFD models). */
  perCell: number
}

/** Anchor points one stride yields for a tensor: ceil(H/s) x ceil(W/s) cells x perCell. */
export function scrfdAnchorCount(
  width: number,
  height: number,
  stride: number,
  perCell: number,
): number {
  return Math.ceil(height / stride) * Math.ceil(width / stride) * perCell
}

/**
 * SCRFD's anchor-free decode into the same candidate arrays as the RetinaFace decode.
 * Anchor k of a stride sits at cell (row, col) = divmod(floor(k / perCell), cols), at pixel
 * (col * stride, row * stride) with no half-cell offset, as the reference implementation
 * lays its anchor centres out. Rows under the threshold are skipped before any arithmetic.
 */
export function decodeScrfd(
  levels: ScrfdLevel[],
  width: number,
  height: number,
  options: ScrfdDecodeOptions,
): Candidates {
  const picked: { level: ScrfdLevel; row: number; score: number }[] = []
  for (const level of levels) {
    const expected = scrfdAnchorCount(width, height, level.stride, options.perCell)
    if (level.scores.length !== expected) {
      throw new Error(
        `stride ${level.stride} gave ${level.scores.length} scores, expected ${expected} ` +
          `for a ${width}x${height} input with ${options.perCell} anchors per cell`,
      )
    }
    for (let r = 0; r < level.scores.length; r++) {
      const score = level.scores[r]
      if (score >= options.scoreThreshold) picked.push({ level, row: r, score })
    }
  }
  if (picked.length > options.topK) {
    picked.sort((a, b) => b.score - a.score)
    picked.length = options.topK
  }

  const n = picked.length
  const out: Candidates = {
    count: n,
    boxes: new Float32Array(n * 4),
    scores: new Float32Array(n),
    landmarks: new Float32Array(n * 10),
  }

  picked.forEach(({ level, row, score }, k) => {
    const s = level.stride
    const cell = Math.floor(row / options.perCell)
    const cols = Math.ceil(width / s)
    const cx = (cell % cols) * s
    const cy = Math.floor(cell / cols) * s

    const d = level.boxes.subarray(row * 4, row * 4 + 4)
    out.boxes.set([cx - d[0] * s, cy - d[1] * s, cx + d[2] * s, cy + d[3] * s], k * 4)
    for (let i = 0; i < 5; i++) {
      out.landmarks[k * 10 + 2 * i] = cx + level.keypoints[row * 10 + 2 * i] * s
      out.landmarks[k * 10 + 2 * i + 1] = cy + level.keypoints[row * 10 + 2 * i + 1] * s
    }
    out.scores[k] = score
  })
  return out
}
