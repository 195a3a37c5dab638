import { open, stat } from 'node:fs/promises'

/** A file that cannot be used as an image; `reason` is short and meant for a person. */
export class ImageDecodeError extends Error {
  readonly code = 'decode'

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`)
    this.name = 'ImageDecodeError'
  }
}

/**
 * Map a sharp/libvips failure to a short human reason. The reason comes from the file's own
 * bytes where possible: libvips keeps one error buffer for all its threads, so under
 * concurrent decodes the message text can mix in another file's failure.
 */
export async function describeDecodeFailure(path: string, error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error)
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  )
  if (size === -1) return 'file not found or not readable'
  if (size === 0) return 'empty file'

  const format = formatOf(await readBytes(path, 0, 12))
  if (!format) return 'not an image (unrecognised format)'

  const tail = await readBytes(path, Math.max(0, size - 64), 64)
  if (format === 'JPEG') return hasJpegEnd(tail) ? 'corrupt JPEG data' : 'truncated JPEG'
  if (format === 'PNG') return tail.includes('IEND') ? 'corrupt PNG data' : 'truncated PNG'
  if (/premature end|truncated|unexpected end|not enough data/i.test(message)) {
    return `truncated ${format}`
  }
  return `corrupt ${format} data`
}

/** JPEG files end with the EOI marker (FF D9), sometimes followed by padding. */
function hasJpegEnd(tail: Buffer): boolean {
  for (let i = tail.length - 2; i >= 0; i--) {
    if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true
    if (tail[i + 1] !== 0x00 && tail[i + 1] !== 0xff) return false
  }
  return false
}

/** The container named by the file's magic bytes, or null for anything else. */
function formatOf(head: Buffer): string | null {
  if (head[0] === 0xff && head[1] === 0xd8) return 'JPEG'
  if (head.subarray(1, 4).toString('latin1') === 'PNG') return 'PNG'
  if (head.subarray(0, 4).toString('latin1') === 'RIFF') return 'WebP'
  if (head.subarray(0, 3).toString('latin1') === 'GIF') return 'GIF'
  if (
    head.subarray(0, 2).toString('latin1') === 'II' ||
    head.subarray(0, 2).toString('latin1') === 'MM'
  ) {
    return 'TIFF'
  }
  if (head.subarray(4, 8).toString('latin1') === 'ftyp') return 'HEIF/AVIF'
  if (/^\s*<(\?xml|svg)/.test(head.toString('latin1'))) return 'SVG'
  return null
}

async function readBytes(path: string, position: number, bytes: number): Promise<Buffer> {
  const file = await open(path, 'r').catch(() => null)
  if (!file) return Buffer.alloc(0)
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await file.read(buffer, 0, bytes, position)
    return buffer.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
}
