import {
  decodeDownscaled,
  decodeRegion,
  type DecodedImage,
  type DecodeOptions,
  type Region,
} from './image'
import { cropRgb } from './tiling'
import type { Timings } from './pass'

/** Packed RGB at some scale: `scale` image pixels per original pixel. */
export interface ScaledRgb {
  rgb: Buffer
  width: number
  height: number
  scale: number
}

/** Where tiled detection reads pixels from: a decoded image in memory, or a file on disk. */
export interface RgbSource {
  width: number
  height: number
  /** The whole image, possibly shrunk so its long side is at most `maxLongSide`. */
  overview(maxLongSide: number): Promise<ScaledRgb>
  /** One region at native resolution. */
  region(region: Region): Promise<Buffer>
}

/** Source over an image already in memory. */
export function memorySource(image: DecodedImage): RgbSource {
  return {
    width: image.width,
    height: image.height,
    // The pass plan shrinks it; handing it over whole avoids a second copy.
    overview: async () => ({ ...image, scale: 1 }),
    region: async (region) => cropRgb(image.rgb, image.width, region),
  }
}

/**
 * Source over a file too big to hold decoded: the overview is decoded shrunk, and regions are
 * read through full-width bands of `bandHeight` rows, one band held at a time, so peak memory
 * is one band rather than the whole photo. Tiles must be requested band by band (row-major).
 */
export function fileSource(
  path: string,
  size: { width: number; height: number },
  timings: Timings,
  options: DecodeOptions = {},
): RgbSource {
  let band: { top: number; height: number; rgb: Buffer } | undefined

  return {
    ...size,
    overview: async (maxLongSide) => {
      const t = performance.now()
      const image = await decodeDownscaled(path, maxLongSide, options)
      timings.decodeMs += performance.now() - t
      return image
    },
    region: async (region) => {
      const fits =
        band && region.top >= band.top && region.top + region.height <= band.top + band.height
      if (!band || !fits) {
        const t = performance.now()
        const full: Region = { left: 0, top: region.top, width: size.width, height: region.height }
        band = undefined // let the old band go before the next is allocated
        const decoded = await decodeRegion(path, full, options)
        band = { top: region.top, height: region.height, rgb: decoded.rgb }
        timings.decodeMs += performance.now() - t
      }
      const local: Region = { ...region, top: region.top - band.top }
      return cropRgb(band.rgb, size.width, local)
    },
  }
}
