import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import {
  decodeDownscaled,
  decodeImage,
  decodeRegion,
  ImageDecodeError,
  probeImage,
} from '../../src/main/detect/image'
import { casesDir } from './helpers'

const cases = (folder: string, file: string) => join(casesDir, folder, file)

/** Largest difference between the three channels over all pixels. */
function channelSpread(rgb: Buffer): number {
  let spread = 0
  for (let i = 0; i < rgb.length; i += 3) {
    spread = Math.max(spread, Math.abs(rgb[i] - rgb[i + 1]), Math.abs(rgb[i + 1] - rgb[i + 2]))
  }
  return spread
}

function maxDiff(a: Buffer, b: Buffer): number {
  let diff = 0
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]))
  return diff
}

describe('when decoding grey images', () => {
  it.each(['BR-13_gray8.jpg', 'BR-13_gray8.png', 'BR-13_bilevel1bit.png'])(
    '%s gives three equal 8-bit channels',
    async (file) => {
      const image = await decodeImage(cases('grayscale', file))
      expect(image.rgb.length).toBe(640 * 480 * 3)
      expect(channelSpread(image.rgb)).toBe(0)
    },
  )

  it('decodes 1-bit to black and white only', async () => {
    const { rgb } = await decodeImage(cases('grayscale', 'BR-13_bilevel1bit.png'))
    expect(new Set(rgb)).toEqual(new Set([0, 255]))
  })
})

describe('when decoding 16-bit images', () => {
  /** The file's own 16-bit samples reduced to 8 bits (v / 257), as 3 channels. */
  async function eightBitOf(path: string): Promise<Buffer> {
    // rgb16 keeps the samples 16-bit; a plain raw() would already be reduced by sharp itself.
    const { data, info } = await sharp(path)
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true })
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
    const out = Buffer.alloc(info.width * info.height * 3)
    for (let p = 0; p < info.width * info.height; p++) {
      for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(samples[p * info.channels + c] / 257)
    }
    return out
  }

  it.each(['BR-16_gray16.png', 'BR-16_rgb16.png'])(
    '%s equals its 8-bit reduction within one level',
    async (file) => {
      const path = cases('sixteen-bit', file)
      const image = await decodeImage(path)
      const expected = await eightBitOf(path)

      expect(image.rgb.length).toBe(expected.length)
      expect(maxDiff(image.rgb, expected)).toBeLessThanOrEqual(1)
      // Not a white (or black) image: the picture has real contrast.
      const levels = new Set(image.rgb)
      expect(Math.max(...levels) - Math.min(...levels)).toBeGreaterThan(100)
      if (file.includes('gray')) expect(channelSpread(image.rgb)).toBe(0)
    },
  )
})

describe('when decoding alpha, palette and CMYK', () => {
  it.each([
    'BR-14_rgba.png',
    'BR-14_palette_trns.png',
    'BR-14_palette_opaque.png',
    'BR-14_gray_alpha.png',
  ])('%s decodes to 3-channel 8-bit, transparency on white', async (file) => {
    const image = await decodeImage(cases('alpha-and-palette', file))
    expect(image.rgb.length).toBe(image.width * image.height * 3)
    if (file.includes('gray')) expect(channelSpread(image.rgb)).toBe(0)
  })

  it('flattens a transparent pixel onto white', async () => {
    const png = await sharp({
      create: { width: 2, height: 1, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer()
    const path = join(
      await import('node:os').then((os) => os.tmpdir()),
      `facemark-alpha-${process.pid}.png`,
    )
    await sharp(png).toFile(path)
    expect([...(await decodeImage(path)).rgb]).toEqual([255, 255, 255, 255, 255, 255])
  })

  it('converts CMYK with the right colours, not inverted', async () => {
    const cmyk = await decodeImage(cases('cmyk', 'BR-15_cmyk_noicc.jpg'))
    const rgb = await decodeImage(cases('damaged-files', 'BR-17_ok_reference.jpg'))
    // Mean colour of the face centre (skin) and of the background agree within a few levels.
    const mean = (image: Buffer, x: number, y: number) => {
      const i = (y * 640 + x) * 3
      return [image[i], image[i + 1], image[i + 2]]
    }
    for (const [x, y] of [
      [320, 160],
      [500, 400],
    ]) {
      const a = mean(cmyk.rgb, x, y)
      const b = mean(rgb.rgb, x, y)
      a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(30))
    }
  })
})

describe('when a file is damaged', () => {
  const expected: Record<string, RegExp> = {
    'BR-17_corrupt_middle.jpg': /^corrupt JPEG data$/,
    'BR-17_header_only.jpg': /^truncated JPEG$/,
    'BR-17_not_an_image.jpg': /^not an image/,
    'BR-17_progressive_truncated_50pct.jpg': /^truncated JPEG$/,
    'BR-17_truncated_60pct.jpg': /^truncated JPEG$/,
    'BR-17_zero_bytes.jpg': /^empty file$/,
  }

  it('covers every damaged file in the folder', () => {
    const files = readdirSync(join(casesDir, 'damaged-files')).filter(
      (f) => !/ok_reference|png_named/.test(f),
    )
    expect(files.sort()).toEqual(Object.keys(expected).sort())
  })

  it.each(Object.entries(expected))('refuses %s with a reason', async (file, reason) => {
    const error = await decodeImage(cases('damaged-files', file)).catch((e) => e)
    expect(error).toBeInstanceOf(ImageDecodeError)
    expect(error.code).toBe('decode')
    expect(error.reason).toMatch(reason)
  })

  it('gives the same reasons when decoding all at once', async () => {
    const reasons = await Promise.all(
      Object.keys(expected).map((file) =>
        decodeImage(cases('damaged-files', file)).catch((e) => e.reason),
      ),
    )
    reasons.forEach((reason, i) => expect(reason).toMatch(Object.values(expected)[i]))
  })

  it('decodes the good file and the PNG named .jpg', async () => {
    const ok = await decodeImage(cases('damaged-files', 'BR-17_ok_reference.jpg'))
    const png = await decodeImage(cases('damaged-files', 'BR-17_png_named_jpg.jpg'))
    expect([ok.width, ok.height, png.width, png.height]).toEqual([640, 480, 640, 480])
    expect((await probeImage(cases('damaged-files', 'BR-17_png_named_jpg.jpg'))).format).toBe('png')
  })
})

describe('when an image is huge', () => {
  it('refuses the 20000x20000 bomb before decoding, with the size in the message', async () => {
    const error = await decodeImage(cases('huge-images', 'BR-19_bomb_20000x20000_1bit.png')).catch(
      (e) => e,
    )
    expect(error).toBeInstanceOf(ImageDecodeError)
    expect(error.reason).toMatch(
      /image too large: 20000x20000 is 400 megapixels, over the limit of 100 megapixels/,
    )
  })

  it('honours a lower configured limit', async () => {
    await expect(
      decodeImage(cases('odd-sizes', 'BR-21_641x481.png'), { maxPixels: 1000 }),
    ).rejects.toThrow(/too large/)
  })

  it('decodes a downscaled overview and a native crop of the 8000x6000 photo', async () => {
    const path = cases('huge-images', 'BR-19_8000x6000.jpg')
    const overview = await decodeDownscaled(path, 1000)
    expect([overview.width, overview.height, overview.scale]).toEqual([1000, 750, 0.125])

    const crop = await decodeRegion(path, { left: 6400, top: 1400, width: 200, height: 200 })
    expect(crop.rgb.length).toBe(200 * 200 * 3)
  })
})
