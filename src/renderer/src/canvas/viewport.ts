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

/** Zoom limits: far enough out to see a whole panorama, in far enough for sub-pixel work. */
export const MIN_SCALE = 0.01
export const MAX_SCALE = 64

/** The view zoomed by `factor` about a fixed screen point (the pointer stays on its pixel). */
export function zoomAt(view: ViewTransform, factor: number, at: { x: number; y: number }) {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor))
  const k = scale / view.scale
  return {
    scale,
    offsetX: at.x - (at.x - view.offsetX) * k,
    offsetY: at.y - (at.y - view.offsetY) * k,
  }
}

/** The view moved by a screen-pixel delta. */
export function panBy(view: ViewTransform, dx: number, dy: number): ViewTransform {
  return { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy }
}

/**
 * The view centred on a box, which then fills `fill` of the canvas's shorter side: zoom to
 * face for tiny faces, at least `minScale` so a 20 px face ends up hundreds of pixels tall.
 */
export function focusView(
  canvas: Size,
  box: { x: number; y: number; width: number; height: number },
  fill = 0.4,
  minScale = 1,
): ViewTransform {
  const side = Math.max(box.width, box.height, 1)
  const scale = Math.min(
    MAX_SCALE,
    Math.max(minScale, (Math.min(canvas.width, canvas.height) * fill) / side),
  )
  return {
    scale,
    offsetX: canvas.width / 2 - (box.x + box.width / 2) * scale,
    offsetY: canvas.height / 2 - (box.y + box.height / 2) * scale,
  }
}
