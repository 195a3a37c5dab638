import sharp, { type Sharp } from 'sharp'
import { ImageDecodeError, describeDecodeFailure } from './image-errors'
import { openImage, readBmpHeader } from './image-input'

export { ImageDecodeError } from './image-errors'

// libvips' operation cache keeps each decoded source image alive after use, which for tiled
// photos meant one full decode (150 MB for 8000x6000) retained per band read. Every decode
// here reads a file once, so the cache only costs memory.
sharp.cache(false)

/** Default refusal limit: 100 megapixels, well above any camera, well below a pixel bomb. */
export const DEFAULT_MAX_PIXELS = 100_000_000

/**
 * Background transparent pixels are flattened onto: white, the colour viewers and browsers
 * show behind transparent PNGs, so the model sees what the user sees.
 */
export const FLATTEN_BACKGROUND = '#ffffff'

export interface ImageInfo {
  /** Upright size (EXIF orientation applied). */
  width: number
  height: number
  /** EXIF orientation tag, 1 when absent. */
  orientation: number
  /** Container format as detected from the bytes, not the file name. */
  format: string
}

/** Packed 8-bit sRGB, three channels, upright. */
export interface DecodedImage {
  rgb: Buffer
  width: number
  height: number
  orientation: number
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this before decoding (default 100 MP). */
  maxPixels?: number
}

/**
 * Read the header only: format, upright size and orientation.
 *
 * @throws ImageDecodeError for empty, unreadable, unsupported or over-limit files.
 */
export async function probeImage(path: string, options: DecodeOptions = {}): Promise<ImageInfo> {
  let meta: { width?: number; height?: number; format?: string; orientation?: number }
  try {
    // The header of a pixel bomb is harmless to read; the limit is applied just below with a
    // message that gives the size. BMP is read by bmp-ts, so its header is read here.
    const bmp = await readBmpHeader(path)
    meta = bmp
      ? { ...bmp, format: 'bmp' }
      : await sharp(path, { limitInputPixels: false }).metadata()
  } catch (error) {
    throw new ImageDecodeError(path, await describeDecodeFailure(path, error))
  }
  if (!meta.width || !meta.height || !meta.format) {
    throw new ImageDecodeError(path, 'not an image (no size in header)')
  }

  const orientation = meta.orientation ?? 1
  const swap = orientation >= 5 && orientation <= 8
  const info: ImageInfo = {
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    orientation,
    format: meta.format,
  }

  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  const pixels = info.width * info.height
  if (pixels > maxPixels) {
    const mp = (n: number) => `${Math.round(n / 1e5) / 10} megapixels`
    throw new ImageDecodeError(
      path,
      `image too large: ${info.width}x${info.height} is ${mp(pixels)}, over the limit of ` +
        `${mp(maxPixels)}; refused without decoding, as it could be a decompression bomb. ` +
        // A new name because the store skips a file it has marked unreadable, even if replaced.
        `To label it, save a copy downscaled below ${mp(maxPixels)} under a new file name`,
    )
  }
  return info
}

/**
 * Decode a whole image to upright 8-bit sRGB: EXIF orientation applied, CMYK / 16-bit / grey /
 * palette / 1-bit converted (grey becomes three equal channels), alpha flattened on
 * {@link FLATTEN_BACKGROUND}, first frame only for GIF and TIFF. Supported: JPEG, PNG, WebP,
 * TIFF, GIF, AVIF and BMP (through bmp-ts, see image-input.ts).
 *
 * @throws ImageDecodeError with a short reason ("truncated JPEG", "empty file", ...).
 */
export async function decodeImage(
  path: string,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const info = await probeImage(path, options)
  const { data, info: out } = await run(path, await open(path, options), (p) => p)
  return { rgb: data, width: out.width, height: out.height, orientation: info.orientation }
}

/**
 * Decode the whole image shrunk to fit `maxLongSide` (never enlarged). JPEG shrink-on-load
 * keeps this cheap for very large photos.
 *
 * @returns the image plus `scale`, its pixels per original pixel.
 */
export async function decodeDownscaled(
  path: string,
  maxLongSide: number,
  options: DecodeOptions = {},
): Promise<DecodedImage & { scale: number; fullWidth: number; fullHeight: number }> {
  const info = await probeImage(path, options)
  const scale = Math.min(1, maxLongSide / Math.max(info.width, info.height))
  const width = Math.max(1, Math.round(info.width * scale))
  const height = Math.max(1, Math.round(info.height * scale))

  const { data } = await run(path, await open(path, options), (p) =>
    scale < 1 ? p.resize(width, height, { fit: 'fill', kernel: 'linear' }) : p,
  )
  return {
    rgb: data,
    width,
    height,
    orientation: info.orientation,
    scale: width / info.width,
    fullWidth: info.width,
    fullHeight: info.height,
  }
}

/** A rectangle in upright image pixels. */
export interface Region {
  left: number
  top: number
  width: number
  height: number
}

/** Decode one upright region at native resolution (for tiling photos too big to run whole). */
export async function decodeRegion(
  path: string,
  region: Region,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const info = await probeImage(path, options)
  const { data } = await run(path, await open(path, options), (p) => p.extract(region))
  return { rgb: data, width: region.width, height: region.height, orientation: info.orientation }
}

async function open(path: string, options: DecodeOptions): Promise<Sharp> {
  // failOn 'warning' makes libjpeg's "premature end" and "corrupt data" warnings errors, so a
  // damaged file is reported instead of silently decoded with grey or smeared rows.
  const image = await openImage(path, {
    failOn: 'warning',
    limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    pages: 1,
  })
  return image.rotate()
}

async function run(path: string, pipeline: Sharp, shape: (p: Sharp) => Sharp) {
  try {
    return await shape(pipeline)
      .flatten({ background: FLATTEN_BACKGROUND })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
  } catch (error) {
    throw new ImageDecodeError(path, await describeDecodeFailure(path, error))
  }
}
