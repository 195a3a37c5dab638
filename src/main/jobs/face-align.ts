import type { Landmark } from '../../shared/face'

/**
 * Five-point face alignment for recognition training (ArcFace-style 112×112 crops).
 *
 * The template is the standard ArcFace destination for 112×112 crops, in RetinaFace landmark
 * order (image-left eye, image-right eye, nose, image-left mouth corner, image-right mouth
 * corner). Values from deepinsight/insightface,
 * python-package/insightface/utils/face_align.py (`arcface_dst`), also used by
 * recognition/arcface_torch for its aligned training sets.
 */
export const ARCFACE_TEMPLATE: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
]

export const ALIGNED_SIZE = 112

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty: rotation, uniform scale and shift, no shear. */
export interface Similarity {
  a: number
  b: number
  tx: number
  ty: number
}

/**
 * The least-squares similarity taking `src` onto `dst` (Umeyama 1991). In 2D the rotation and
 * scale reduce to one complex ratio of the centred point sets, so no SVD is needed; the result
 * is the same proper (non-reflecting) similarity the general method gives.
 */
export function estimateSimilarity(
  src: readonly (readonly [number, number])[],
  dst: readonly (readonly [number, number])[],
): Similarity {
  const n = src.length
  const mean = (pts: typeof src, k: 0 | 1) => pts.reduce((s, p) => s + p[k], 0) / n
  const [sx, sy, dx, dy] = [mean(src, 0), mean(src, 1), mean(dst, 0), mean(dst, 1)]

  let dot = 0
  let cross = 0
  let norm = 0
  for (let i = 0; i < n; i++) {
    const px = src[i][0] - sx
    const py = src[i][1] - sy
    const qx = dst[i][0] - dx
    const qy = dst[i][1] - dy
    dot += px * qx + py * qy
    cross += px * qy - py * qx
    norm += px * px + py * py
  }
  if (!(norm > 0)) throw new Error('landmarks coincide; no alignment is possible')

  const a = dot / norm
  const b = cross / norm
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) }
}

/** Where a point lands under `t`. */
export function applySimilarity(t: Similarity, x: number, y: number): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty]
}

/** The transform to the template, or undefined when a landmark has no position. */
export function alignmentFor(landmarks: readonly Landmark[]): Similarity | undefined {
  if (landmarks.length !== 5 || landmarks.some((p) => p.visibility === 'absent')) return undefined
  return estimateSimilarity(
    landmarks.map((p) => [p.x, p.y] as const),
    ARCFACE_TEMPLATE,
  )
}

/**
 * Warp packed RGB (`width` × `height`, 3 channels) into a `size` × `size` crop with bilinear
 * sampling. Coordinates follow the face record's convention (pixel i covers [i, i + 1)), on
 * both sides, so a landmark at (x, y) lands exactly at its transformed position. Outside the
 * source is black, as cv2.warpAffine's default border gives ArcFace training sets.
 */
export function warpSimilarity(
  rgb: Uint8Array,
  width: number,
  height: number,
  t: Similarity,
  size = ALIGNED_SIZE,
): Buffer {
  const out = Buffer.alloc(size * size * 3)
  const det = t.a * t.a + t.b * t.b

  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      // Inverse map of the output pixel centre, then to source pixel-index space.
      const ox = u + 0.5 - t.tx
      const oy = v + 0.5 - t.ty
      const x = (t.a * ox + t.b * oy) / det - 0.5
      const y = (-t.b * ox + t.a * oy) / det - 0.5

      const x0 = Math.floor(x)
      const y0 = Math.floor(y)
      const fx = x - x0
      const fy = y - y0
      const o = (v * size + u) * 3
      for (let c = 0; c < 3; c++) {
        const p = (xx: number, yy: number) =>
          xx < 0 || yy < 0 || xx >= width || yy >= height ? 0 : rgb[(yy * width + xx) * 3 + c]
        const top = p(x0, y0) * (1 - fx) + p(x0 + 1, y0) * fx
        const bottom = p(x0, y0 + 1) * (1 - fx) + p(x0 + 1, y0 + 1) * fx
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy)
      }
    }
  }
  return out
}
