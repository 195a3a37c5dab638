import { DEFAULT_ATTRIBUTES, type DetectedFace, type FaceLabel } from '../../src/shared/face'

/** A detector result at (x, y) with size w×h and five visible points inside the box. */
export function detected(x: number, y: number, w: number, h: number, score: number): DetectedFace {
  const point = (fx: number, fy: number) => ({
    x: x + fx * w,
    y: y + fy * h,
    visibility: 'visible' as const,
  })
  return {
    box: { x, y, width: w, height: h },
    score,
    landmarks: [
      point(0.3, 0.4),
      point(0.7, 0.4),
      point(0.5, 0.6),
      point(0.35, 0.8),
      point(0.65, 0.8),
    ],
  }
}

/** A hand-drawn face without landmarks. */
export function drawn(x: number, y: number, w: number, h: number): FaceLabel {
  return {
    box: { x, y, width: w, height: h },
    score: null,
    landmarks: [],
    attributes: { ...DEFAULT_ATTRIBUTES },
    quality: null,
  }
}

export const META = { width: 640, height: 480, orientation: 1, sha256: 'abc', byteSize: 1234 }
