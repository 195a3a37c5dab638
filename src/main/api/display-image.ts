import { openImage } from '../detect/image-input'

import { DISPLAY_MAX_SIDE, type DisplayImageInfo } from '../../shared/display-image'

/** An image ready for the viewer, plus the sizes that map stored coordinates onto it. */
export interface DisplayImage extends DisplayImageInfo {
  data: Buffer
  contentType: 'image/jpeg' | 'image/png'
}

/**
 * Renders the upright image for display: EXIF orientation applied (stored coordinates are in
 * the upright frame, and a browser must not rotate a second time, so the output carries no
 * EXIF), and huge photos downscaled to `maxSide` so a 50-megapixel file does not stall the
 * renderer. The renderer draws the bitmap at the original size, so the downscale never moves
 * a coordinate.
 */
export async function renderDisplayImage(
  file: string,
  maxSide = DISPLAY_MAX_SIDE,
): Promise<DisplayImage> {
  const meta = await (await openImage(file)).metadata()
  const turned = (meta.orientation ?? 1) >= 5
  const width = (turned ? meta.height : meta.width) ?? 0
  const height = (turned ? meta.width : meta.height) ?? 0

  // PNG keeps transparency; everything else becomes a high-quality JPEG, cheap to decode.
  const pipeline = (await openImage(file))
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
  const encoded = meta.hasAlpha ? pipeline.png() : pipeline.jpeg({ quality: 90 })
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true })

  return {
    data,
    contentType: meta.hasAlpha ? 'image/png' : 'image/jpeg',
    width: width || info.width,
    height: height || info.height,
    displayWidth: info.width,
    displayHeight: info.height,
  }
}
