import sharp from 'sharp'

/** How an image of a given size becomes a network input, and how to map results back. */
export interface InputPlan {
  /** Size the image is resized to before padding. */
  resizedWidth: number
  resizedHeight: number
  /** Size of the tensor; the resized image sits top-left, the rest is padding. */
  tensorWidth: number
  tensorHeight: number
  /** Network pixels per image pixel; divide network coordinates by it to map back. */
  scale: number
}

/**
 * Fit the whole image into a fixed `size` x `size` input keeping its aspect ratio, image
 * top-left, padding right and bottom. One scale factor maps both axes back.
 */
export function planLetterbox(width: number, height: number, size = 640): InputPlan {
  const scale = Math.min(size / width, size / height)
  return {
    resizedWidth: clampSide(Math.round(width * scale), size),
    resizedHeight: clampSide(Math.round(height * scale), size),
    tensorWidth: size,
    tensorHeight: size,
    scale,
  }
}

/**
 * Run at the image's own size (for a dynamic model), shrunk so that the long side is at most
 * `maxLongSide` and optionally enlarged by `upscale`; the tensor is padded to a multiple of
 * `stride` so every feature map divides evenly.
 */
export function planNative(
  width: number,
  height: number,
  { maxLongSide = 2048, stride = 32, upscale = 1 } = {},
): InputPlan {
  const scale = Math.min(upscale, maxLongSide / Math.max(width, height))
  const resizedWidth = Math.max(1, Math.round(width * scale))
  const resizedHeight = Math.max(1, Math.round(height * scale))
  return {
    resizedWidth,
    resizedHeight,
    tensorWidth: Math.ceil(resizedWidth / stride) * stride,
    tensorHeight: Math.ceil(resizedHeight / stride) * stride,
    scale,
  }
}

function clampSide(value: number, size: number): number {
  return Math.min(size, Math.max(1, value))
}

/** Resize packed 8-bit RGB with a bilinear kernel (no-op when the size is unchanged). */
export async function resizeRgb(
  rgb: Buffer,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
): Promise<Buffer> {
  if (toWidth === width && toHeight === height) return rgb
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(toWidth, toHeight, { kernel: 'linear', fit: 'fill' })
    .raw()
    .toBuffer()
}

/**
 * Packed RGB bytes to a 1x3xHxW float tensor in the model's channel order (BGR for RetinaFace,
 * RGB for SCRFD) minus the per-channel mean (given in that same order), times `scale`. The
 * image fills the top-left corner; the padding is 0, which is the mean colour after
 * subtraction, as in the RetinaFace letterbox.
 */
export function toInputTensor(
  rgb: Uint8Array,
  width: number,
  height: number,
  mean: readonly [number, number, number],
  tensorWidth = width,
  tensorHeight = height,
  scale = 1,
  channelOrder: 'BGR' | 'RGB' = 'BGR',
): Float32Array {
  const plane = tensorWidth * tensorHeight
  const out = new Float32Array(plane * 3)
  const [m0, m1, m2] = mean
  // Source byte offset (within an RGB pixel) of tensor planes 0 and 2.
  const [first, last] = channelOrder === 'BGR' ? [2, 0] : [0, 2]

  for (let y = 0; y < height; y++) {
    let src = y * width * 3
    let dst = y * tensorWidth
    for (let x = 0; x < width; x++, src += 3, dst++) {
      out[dst] = (rgb[src + first] - m0) * scale
      out[plane + dst] = (rgb[src + 1] - m1) * scale
      out[2 * plane + dst] = (rgb[src + last] - m2) * scale
    }
  }
  return out
}

/** Resize per plan and build the tensor. */
export async function prepareInput(
  rgb: Buffer,
  width: number,
  height: number,
  plan: InputPlan,
  mean: readonly [number, number, number],
  scale = 1,
  channelOrder: 'BGR' | 'RGB' = 'BGR',
): Promise<Float32Array> {
  const resized = await resizeRgb(rgb, width, height, plan.resizedWidth, plan.resizedHeight)
  const { resizedWidth, resizedHeight, tensorWidth, tensorHeight } = plan
  return toInputTensor(
    resized,
    resizedWidth,
    resizedHeight,
    mean,
    tensorWidth,
    tensorHeight,
    scale,
    channelOrder,
  )
}
