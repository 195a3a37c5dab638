import { open, readFile } from 'node:fs/promises'
import { decode as decodeBmp } from 'bmp-ts'
import sharp, { type Sharp, type SharpOptions } from 'sharp'
import { ImageDecodeError } from './image-errors'

/**
 * A sharp pipeline for an image file, whatever its format. The prebuilt sharp has no BMP
 * reader (libvips reads BMP only through ImageMagick), so BMP pixels are decoded by bmp-ts
 * and handed to sharp as raw RGB(A); every other format goes to sharp as the file path.
 * Everything downstream (rotation, resizing, encoding) then treats both alike.
 */
export async function openImage(path: string, options: SharpOptions = {}): Promise<Sharp> {
  const header = await readBmpHeader(path)
  if (!header) return sharp(path, options)

  // sharp's pixel limit cannot protect a decode it does not do, so apply it to the header.
  const limit = options.limitInputPixels
  if (typeof limit === 'number' && header.width * header.height > limit) {
    throw new ImageDecodeError(path, `image too large: ${header.width}x${header.height}`)
  }
  const { width, height, rgba, hasAlpha } = await readBmp(path)
  const channels = hasAlpha ? 4 : 3
  const pixels = hasAlpha ? rgba : dropAlpha(rgba, width * height)
  return sharp(pixels, { ...options, raw: { width, height, channels } })
}

/**
 * The size a BMP file declares, or null when the file is not a BMP (no "BM" signature and
 * BITMAPINFOHEADER). Rows are stored bottom-up when the height is positive, so its sign is
 * dropped.
 */
export async function readBmpHeader(
  path: string,
): Promise<{ width: number; height: number } | null> {
  // An unreadable file is not a BMP; sharp's own error then says what is wrong with it.
  const handle = await open(path, 'r').catch(() => null)
  if (!handle) return null
  try {
    const head = Buffer.alloc(26)
    const { bytesRead } = await handle.read(head, 0, 26, 0)
    if (bytesRead < 26 || head[0] !== 0x42 || head[1] !== 0x4d) return null
    return { width: Math.abs(head.readInt32LE(18)), height: Math.abs(head.readInt32LE(22)) }
  } finally {
    await handle.close()
  }
}

async function readBmp(path: string) {
  try {
    const bmp = decodeBmp(await readFile(path), { toRGBA: true })
    // In most 32-bit files the fourth byte is padding left at zero, which taken as alpha would
    // make the picture transparent; as browsers do, all-zero alpha means opaque.
    const hasAlpha = bmp.bitPP === 32 && hasNonZeroAlpha(bmp.data)
    return { width: bmp.width, height: bmp.height, rgba: bmp.data, hasAlpha }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new ImageDecodeError(path, `corrupt BMP data (${detail})`)
  }
}

function hasNonZeroAlpha(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 0) return true
  return false
}

function dropAlpha(rgba: Buffer, pixels: number): Buffer {
  const rgb = Buffer.allocUnsafe(pixels * 3)
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    rgb[i * 3] = rgba[j]
    rgb[i * 3 + 1] = rgba[j + 1]
    rgb[i * 3 + 2] = rgba[j + 2]
  }
  return rgb
}
