import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from 'bmp-ts'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage, ImageDecodeError, probeImage } from '../../src/main/detect/image'
import { renderDisplayImage } from '../../src/main/api/display-image'
import { sampleDir } from '../support/shared'

const PHOTO = join(sampleDir, 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg')

let dir: string
let rgb: Buffer
const width = 160
const height = 109

/** Write a real photo as a 24-bit BMP; bmp-ts takes pixels as ABGR. */
function writeBmp(path: string, pixels: Buffer): void {
  const abgr = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    abgr[i * 4] = 255
    abgr[i * 4 + 1] = pixels[i * 3 + 2]
    abgr[i * 4 + 2] = pixels[i * 3 + 1]
    abgr[i * 4 + 3] = pixels[i * 3]
  }
  writeFileSync(path, encode({ data: abgr, width, height, bitPP: 24 }).data)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-bmp-'))
  rgb = await sharp(PHOTO).resize(width, height, { fit: 'fill' }).raw().toBuffer()
  writeBmp(join(dir, 'photo.bmp'), rgb)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('when the image is a BMP', () => {
  it('probes its size and format from the header', async () => {
    expect(await probeImage(join(dir, 'photo.bmp'))).toEqual({
      width,
      height,
      orientation: 1,
      format: 'bmp',
    })
  })

  it('decodes exactly the pixels that were written', async () => {
    const image = await decodeImage(join(dir, 'photo.bmp'))
    expect([image.width, image.height]).toEqual([width, height])
    expect(image.rgb.equals(rgb)).toBe(true)
  })

  it('renders for display like any other image', async () => {
    const display = await renderDisplayImage(join(dir, 'photo.bmp'))
    expect([display.width, display.height, display.contentType]).toEqual([
      width,
      height,
      'image/jpeg',
    ])
  })

  it('reports a truncated BMP as damaged', async () => {
    const whole = encode({ data: Buffer.alloc(width * height * 4), width, height, bitPP: 24 }).data
    writeFileSync(join(dir, 'cut.bmp'), whole.subarray(0, 200))
    await expect(decodeImage(join(dir, 'cut.bmp'))).rejects.toBeInstanceOf(ImageDecodeError)
  })
})
