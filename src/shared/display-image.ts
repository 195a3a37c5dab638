/**
 * Constants of the display-image route, kept apart from `api.ts` so the renderer and the
 * preload can use them without bundling zod.
 */

/**
 * The display image route, `GET /image/<id>` over HTTP and `facemark-image://image/<id>` in
 * Electron. The body is the upright image (EXIF applied), downscaled to at most
 * {@link DISPLAY_MAX_SIDE} pixels; these headers give the sizes so the renderer maps stored
 * coordinates (upright, full size) onto the bitmap exactly.
 */
export const IMAGE_HEADERS = {
  /** Upright size of the original image in pixels: the space face coordinates live in. */
  width: 'x-facemark-image-width',
  height: 'x-facemark-image-height',
  /** Size of the bitmap in the response body. */
  displayWidth: 'x-facemark-display-width',
  displayHeight: 'x-facemark-display-height',
} as const

/** Longest side of a display bitmap; bigger photos are downscaled, never their coordinates. */
export const DISPLAY_MAX_SIDE = 4096

/** The custom scheme Electron serves display images on. */
export const IMAGE_PROTOCOL = 'facemark-image'

/** The sizes that come with a display image. */
export interface DisplayImageInfo {
  width: number
  height: number
  displayWidth: number
  displayHeight: number
}

/**
 * Longest side of a list thumbnail, `GET /thumb/<id>` over HTTP and
 * `facemark-image://thumb/<id>` in Electron.
 */
export const THUMB_MAX_SIDE = 96

/**
 * Longest side of a full-resolution tile, `GET /tile/<id>?x=&y=&w=&h=` over HTTP and
 * `facemark-image://tile/<id>?…` in Electron: an upright region of the original, one bitmap
 * pixel per image pixel, which the viewer draws over the display image once the zoom asks
 * for more detail than the display image holds.
 */
export const TILE_MAX_SIDE = 1024

/** An upright region of an image in whole image pixels: the query of a tile request. */
export interface TileRegion {
  x: number
  y: number
  width: number
  height: number
}
