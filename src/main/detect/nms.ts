/**
 * Greedy non-maximum suppression over x1, y1, x2, y2 boxes, as upstream `py_cpu_nms`: areas
 * and overlaps use the +1 pixel convention ((x2 - x1 + 1) * (y2 - y1 + 1)), so results match
 * the published RetinaFace numbers. Degenerate boxes get area >= 0 and never produce NaN.
 *
 * @returns indices of the kept boxes, best score first, at most `keep` of them.
 */
export function nms(
  boxes: Float32Array,
  scores: Float32Array,
  iouThreshold: number,
  keep = Number.POSITIVE_INFINITY,
): number[] {
  const n = scores.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a])
  const areas = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    areas[i] = side(boxes[i * 4], boxes[i * 4 + 2]) * side(boxes[i * 4 + 1], boxes[i * 4 + 3])
  }

  const suppressed = new Uint8Array(n)
  const kept: number[] = []
  for (let a = 0; a < n; a++) {
    const i = order[a]
    if (suppressed[i]) continue
    kept.push(i)
    if (kept.length >= keep) break

    // Only lower-scored boxes can be suppressed by this one.
    for (let b = a + 1; b < n; b++) {
      const j = order[b]
      if (suppressed[j]) continue
      const w = side(
        Math.max(boxes[i * 4], boxes[j * 4]),
        Math.min(boxes[i * 4 + 2], boxes[j * 4 + 2]),
      )
      const h = side(
        Math.max(boxes[i * 4 + 1], boxes[j * 4 + 1]),
        Math.min(boxes[i * 4 + 3], boxes[j * 4 + 3]),
      )
      const inter = w * h
      const union = areas[i] + areas[j] - inter
      if (union > 0 && inter / union > iouThreshold) suppressed[j] = 1
    }
  }
  return kept
}

/** Inclusive pixel extent from a to b, never negative. */
function side(a: number, b: number): number {
  return Math.max(0, b - a + 1)
}
