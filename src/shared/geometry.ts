import type { Box } from './face'

/**
 * Area of a box, never negative and never NaN: degenerate boxes (zero or negative size, which
 * real annotation files contain) count as empty rather than poisoning sums and ratios.
 */
export function boxArea(box: Box): number {
  const w = Number.isFinite(box.width) ? Math.max(0, box.width) : 0
  const h = Number.isFinite(box.height) ? Math.max(0, box.height) : 0
  return w * h
}

/** Intersection over union in continuous coordinates; 0 when either box is empty. */
export function boxIou(a: Box, b: Box): number {
  const areaA = boxArea(a)
  const areaB = boxArea(b)
  if (areaA === 0 || areaB === 0) return 0

  const left = Math.max(a.x, b.x)
  const top = Math.max(a.y, b.y)
  const right = Math.min(a.x + a.width, b.x + b.width)
  const bottom = Math.min(a.y + a.height, b.y + b.height)
  const inter = Math.max(0, right - left) * Math.max(0, bottom - top)
  return inter / (areaA + areaB - inter)
}

/** Clip a box to the image, returning the part that lies inside (possibly empty). */
export function clipBox(box: Box, width: number, height: number): Box {
  const x1 = Math.min(Math.max(box.x, 0), width)
  const y1 = Math.min(Math.max(box.y, 0), height)
  const x2 = Math.min(Math.max(box.x + box.width, 0), width)
  const y2 = Math.min(Math.max(box.y + box.height, 0), height)
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }
}
