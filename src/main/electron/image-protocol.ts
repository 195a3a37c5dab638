import { protocol } from 'electron'

import { IMAGE_HEADERS, IMAGE_PROTOCOL } from '../../shared/display-image'
import { ApiError } from '../../shared/api-error'
import type { ApiService } from '../api/handlers'
import { logger } from '../log'

const log = logger('electron/images')

/**
 * Must run before `app` is ready. `supportFetchAPI` lets the renderer `fetch()` the image and
 * read the size headers; `corsEnabled` lets a file:// page read a response from this scheme.
 */
export function registerImageScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: IMAGE_PROTOCOL,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ])
}

/**
 * Serves `facemark-image://image/<id>` (and `thumb/<id>`, `tile/<id>?x=&y=&w=&h=`) from the
 * same routes the HTTP server uses, so both transports show identical bitmaps with identical
 * size headers.
 */
export function handleImageProtocol(api: ApiService): void {
  protocol.handle(IMAGE_PROTOCOL, async (request) => {
    const url = new URL(request.url)
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': Object.values(IMAGE_HEADERS).join(', '),
    }
    if (url.hostname === 'thumb') {
      try {
        const thumb = await api.thumbnail(url.pathname.slice(1))
        return new Response(new Uint8Array(thumb.data), {
          headers: { ...cors, 'Content-Type': thumb.contentType },
        })
      } catch {
        return new Response('Not found', { status: 404, headers: cors })
      }
    }
    if (url.hostname === 'tile') {
      try {
        const tile = await api.tile(url.pathname.slice(1), Object.fromEntries(url.searchParams))
        return new Response(new Uint8Array(tile.data), {
          headers: { ...cors, 'Content-Type': tile.contentType },
        })
      } catch (error) {
        const message = error instanceof ApiError ? error.message : 'The image could not be read.'
        if (!(error instanceof ApiError)) log.warn(`tile ${url.pathname} failed`, error)
        const status = error instanceof ApiError && error.code === 'invalid_request' ? 400 : 404
        return new Response(message, { status, headers: cors })
      }
    }
    if (url.hostname !== 'image') return new Response('Not found', { status: 404, headers: cors })

    try {
      const image = await api.displayImage(url.pathname.slice(1))
      return new Response(new Uint8Array(image.data), {
        headers: {
          ...cors,
          'Content-Type': image.contentType,
          [IMAGE_HEADERS.width]: String(image.width),
          [IMAGE_HEADERS.height]: String(image.height),
          [IMAGE_HEADERS.displayWidth]: String(image.displayWidth),
          [IMAGE_HEADERS.displayHeight]: String(image.displayHeight),
        },
      })
    } catch (error) {
      const message = error instanceof ApiError ? error.message : 'The image could not be read.'
      if (!(error instanceof ApiError)) log.warn(`image ${url.pathname} failed`, error)
      return new Response(message, { status: 404, headers: cors })
    }
  })
}
