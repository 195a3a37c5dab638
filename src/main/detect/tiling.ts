import type { Region } from './image'

/**
 * Windows of at most `maxTile` pixels covering `length` with neighbours overlapping by at
 * least `overlap`. The window is shrunk to the smallest multiple of `stride` that still
 * covers with that count, so the tiles together process as few extra pixels as possible.
 */
export function tileSpans(
  length: number,
  maxTile: number,
  overlap: number,
  stride = 32,
): { starts: number[]; size: number } {
  if (length <= maxTile) return { starts: [0], size: length }
  const count = Math.ceil((length - overlap) / (maxTile - overlap))
  const size = Math.min(
    maxTile,
    Math.ceil((length + (count - 1) * overlap) / count / stride) * stride,
  )
  const starts = Array.from({ length: count }, (_, i) =>
    Math.round((i * (length - size)) / (count - 1)),
  )
  return { starts, size }
}

/** Overlapping tiles covering a width x height image, row by row. */
export function planTiles(
  width: number,
  height: number,
  maxTile: number,
  overlap: number,
  stride = 32,
): Region[] {
  const cols = tileSpans(width, maxTile, overlap, stride)
  const rows = tileSpans(height, maxTile, overlap, stride)
  const tiles: Region[] = []
  for (const top of rows.starts) {
    for (const left of cols.starts) tiles.push({ left, top, width: cols.size, height: rows.size })
  }
  return tiles
}

/**
 * Whether a box found in `tile` is trustworthy there: it must not touch a tile edge that lies
 * inside the image (a face cut by the tile is found whole by the neighbour that overlaps it).
 */
export function insideTile(
  box: ArrayLike<number>,
  tile: Region,
  imageWidth: number,
  imageHeight: number,
  margin = 2,
): boolean {
  const [x1, y1, x2, y2] = [box[0], box[1], box[2], box[3]]
  if (tile.left > 0 && x1 < tile.left + margin) return false
  if (tile.top > 0 && y1 < tile.top + margin) return false
  if (tile.left + tile.width < imageWidth && x2 > tile.left + tile.width - margin) return false
  if (tile.top + tile.height < imageHeight && y2 > tile.top + tile.height - margin) return false
  return true
}

/** Copy a region out of packed RGB. */
export function cropRgb(rgb: Buffer, width: number, region: Region): Buffer {
  const out = Buffer.allocUnsafe(region.width * region.height * 3)
  for (let y = 0; y < region.height; y++) {
    const src = ((region.top + y) * width + region.left) * 3
    rgb.copy(out, y * region.width * 3, src, src + region.width * 3)
  }
  return out
}
