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
 * Refuse formats sharp cannot read with a precise reason instead of its generic "unsupported
 * image format". The prebuilt sharp has no ImageMagick, so BMP is not readable.
 */
export async function sniffUnsupported(path: string): Promise<void> {
  const head = await readHead(path, 4)
  if (head.length >= 2 && head[0] === 0x42 && head[1] === 0x4d) {
    throw new ImageDecodeError(
      path,
      'BMP is not supported by this build of the image library (sharp without ImageMagick); ' +
        'convert the file to PNG',
    )
  }
}

/** Map a sharp/libvips failure to a short human reason. */
export async function describeDecodeFailure(path: string, error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error)
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  )

  if (size === -1) return 'file not found or not readable'
  if (size === 0) return 'empty file'
  if (/exceeds pixel limit/i.test(message)) return 'image too large (pixel limit exceeded)'
  if (/unsupported image format/i.test(message)) return 'not an image (unrecognised format)'

  const format = formatOf(await readHead(path, 12))
  if (/premature end|truncated|unexpected end|not enough data/i.test(message)) {
    return `truncated ${format}`
  }
  if (/corrupt|invalid|bad |crc|error/i.test(message)) return `corrupt ${format} data`
  return `cannot decode ${format}: ${message.split('\n')[0]}`
}

function formatOf(head: Buffer): string {
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
  return 'image'
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path, 'r').catch(() => null)
  if (!file) return Buffer.alloc(0)
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await file.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
}
