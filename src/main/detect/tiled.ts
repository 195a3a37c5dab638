import type { InferenceSession } from 'onnxruntime-node'
import type { DetectorManifest } from '../models/manifest'
import { concatFaces, filterFaces, longSide, mapBack, type FaceSet } from './faceset'
import { runPass, type PassSettings, type Timings } from './pass'
import { planNative } from './preprocess'
import type { RgbSource } from './sources'
import { insideTile, planTiles } from './tiling'

export interface TiledSettings extends PassSettings {
  /** Long side of the finest overview pass. */
  maxLongSide: number
  /** Largest native tile side; smaller tiles bound the session's working memory. */
  tileSize: number
  /** Overlap between tiles; faces up to about this size are found whole in some tile. */
  overlap: number
  stride: number
}

/** Overview faces smaller than this (in overview pixels) are left to the sharper tiles. */
const OVERVIEW_MIN_FACE = 24
/** The coarsest overview; below it large faces gain nothing. */
const OVERVIEW_MIN_LONG_SIDE = 512

/**
 * Detection on a photo larger than `maxLongSide`. A small pyramid of shrunk overviews (long
 * side maxLongSide, /2, /4 ...) finds the large faces, each at a scale where it spans a few
 * hundred pixels as in training; overlapping tiles at native resolution find the small ones at
 * full precision. Each pass keeps only the faces it is good at; the caller merges with NMS.
 */
export async function detectTiled(
  session: InferenceSession,
  manifest: DetectorManifest,
  source: RgbSource,
  settings: TiledSettings,
  timings: Timings,
): Promise<FaceSet> {
  const { maxLongSide, tileSize, overlap, stride } = settings
  const smallLimit = overlap * 0.9
  const found: FaceSet[] = []

  // Overview pyramid, decoded once at the finest level and shrunk from there.
  const overview = await source.overview(maxLongSide)
  for (let side = maxLongSide; ; side /= 2) {
    const plan = planNative(overview.width, overview.height, { maxLongSide: side, stride })
    const faces = mapBack(
      await runPass(session, manifest, overview, plan, settings, timings),
      overview.scale,
    )
    const minNative = Math.min(smallLimit, OVERVIEW_MIN_FACE / (plan.scale * overview.scale))
    found.push(filterFaces(faces, (i) => longSide(faces, i) >= minNative))
    if (side / 2 < OVERVIEW_MIN_LONG_SIDE) break
  }

  // Native tiles: small faces only, skipping any cut by an inner tile edge.
  for (const tile of planTiles(source.width, source.height, tileSize, overlap, stride)) {
    const rgb = await source.region(tile)
    const plan = planNative(tile.width, tile.height, { maxLongSide: Infinity, stride })
    const image = { rgb, width: tile.width, height: tile.height }
    const offset = { x: tile.left, y: tile.top }
    const faces = await runPass(session, manifest, image, plan, settings, timings, offset)
    const box = (i: number) => faces.boxes.subarray(i * 4, i * 4 + 4)
    const trusted = (i: number) =>
      longSide(faces, i) <= smallLimit && insideTile(box(i), tile, source.width, source.height)
    found.push(filterFaces(faces, trusted))
  }

  return concatFaces(found)
}
