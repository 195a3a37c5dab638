/** Maps image pixels (upright, full size) to canvas CSS pixels: screen = offset + image * scale. */
export interface ViewTransform {
  scale: number
  offsetX: number
  offsetY: number
}

/** A width and height in CSS or image pixels, as the caller says. */
export interface Size {
  width: number
  height: number
}

/** Small images are enlarged at most this much, so tiny faces become visible but not mushy. */
const MAX_FIT_SCALE = 4

/** The transform that fits the whole image into the canvas, centred, with a margin. */
export function fitView(canvas: Size, image: Size, margin = 8): ViewTransform {
  const room = { width: canvas.width - 2 * margin, height: canvas.height - 2 * margin }
  if (room.width <= 0 || room.height <= 0 || image.width <= 0 || image.height <= 0) {
    return { scale: 1, offsetX: 0, offsetY: 0 }
  }
  const scale = Math.min(room.width / image.width, room.height / image.height, MAX_FIT_SCALE)
  return {
    scale,
    offsetX: (canvas.width - image.width * scale) / 2,
    offsetY: (canvas.height - image.height * scale) / 2,
  }
}

/** Image pixels to canvas CSS pixels. */
export function toScreen(view: ViewTransform, x: number, y: number): { x: number; y: number } {
  return { x: view.offsetX + x * view.scale, y: view.offsetY + y * view.scale }
}

/** Canvas CSS pixels back to image pixels; the exact inverse of {@link toScreen}. */
export function toImage(view: ViewTransform, x: number, y: number): { x: number; y: number } {
  return { x: (x - view.offsetX) / view.scale, y: (y - view.offsetY) / view.scale }
}
