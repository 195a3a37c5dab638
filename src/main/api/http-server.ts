import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

import { ApiError, type ApiErrorCode, type ApiResult } from '../../shared/api-error'
import { IMAGE_HEADERS } from '../../shared/display-image'
import { logger } from '../log'
import type { ApiService } from './handlers'

const log = logger('api/http')

/** The cookie a page opened with `?token=` gets, so its own script and style requests pass. */
const TOKEN_COOKIE = 'facemark_token'
const MAX_BODY_BYTES = 1 << 20

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

const STATUS: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  forbidden: 403,
  not_found: 404,
  unknown_channel: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
}

/** What {@link startHttpServer} serves, and where. */
export interface HttpServerOptions {
  api: ApiService
  /** 0 (the default) picks a free port. */
  port?: number
  /** Generated when absent; every request must carry it. */
  token?: string
  /** The built renderer (out/renderer); null serves the API only. */
  rendererDir?: string | null
}

/** A listening server; `close` drops open connections too, so tests end promptly. */
export interface RunningServer {
  /** The page URL, token included. */
  url: string
  origin: string
  token: string
  close(): Promise<void>
}

/**
 * The API over HTTP on 127.0.0.1, for browser tests and headless use. It runs the very same
 * handlers as the Electron IPC. Any local process can reach a loopback port, so every request
 * must carry the random token (query `token`, header `x-facemark-token`, or the cookie).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const server = createServer((req, res) => {
    handle(req, res, options, token).catch((error: unknown) => {
      log.error(`${req.method} ${req.url?.split('?')[0]} failed`, error)
      if (!res.headersSent) sendError(res, new ApiError('internal', 'The server failed.'))
      else res.destroy()
    })
  })

  await new Promise<void>((ready, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, '127.0.0.1', ready)
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpServerOptions,
  token: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')

  // A page on another host name resolved to 127.0.0.1 (DNS rebinding) must not get in.
  const host = req.headers.host?.split(':')[0]
  if (host !== '127.0.0.1' && host !== 'localhost') {
    return sendJson(res, 401, { ok: false, error: { code: 'forbidden', message: 'Wrong host.' } })
  }

  const fromQuery = url.searchParams.get('token')
  const presented = fromQuery ?? header(req, 'x-facemark-token') ?? cookie(req, TOKEN_COOKIE)
  if (!presented || !sameToken(presented, token)) {
    log.warn(`refused ${req.method} ${url.pathname}: missing or wrong token`)
    const error = new ApiError('forbidden', 'Open the URL the server printed; it holds the token.')
    return sendJson(res, 401, { ok: false, error: error.toData() })
  }

  if (url.pathname.startsWith('/api/')) {
    if (req.method !== 'POST') return sendStatus(res, 405, 'Use POST for /api/ routes.')
    return handleApi(req, res, options.api, url.pathname.slice('/api/'.length))
  }
  if (url.pathname.startsWith('/image/')) {
    if (req.method !== 'GET') return sendStatus(res, 405, 'Use GET for /image/ routes.')
    return handleImage(res, options.api, url.pathname.slice('/image/'.length))
  }
  if (url.pathname.startsWith('/thumb/')) {
    if (req.method !== 'GET') return sendStatus(res, 405, 'Use GET for /thumb/ routes.')
    return handleThumbnail(res, options.api, url.pathname.slice('/thumb/'.length))
  }
  if (url.pathname.startsWith('/tile/')) {
    if (req.method !== 'GET') return sendStatus(res, 405, 'Use GET for /tile/ routes.')
    const query = Object.fromEntries(url.searchParams)
    return handleTile(res, options.api, url.pathname.slice('/tile/'.length), query)
  }
  if (req.method !== 'GET') return sendStatus(res, 405, 'Only GET serves files.')

  if (fromQuery) {
    res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
  }
  return serveStatic(res, options.rendererDir ?? null, url.pathname)
}

async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  api: ApiService,
  channel: string,
): Promise<void> {
  const body = await readBody(req)
  let payload: unknown
  try {
    payload = body.length ? JSON.parse(body) : {}
  } catch {
    return sendError(res, new ApiError('invalid_request', 'The request body is not JSON.'))
  }

  const result = await api.dispatch(decodeURIComponent(channel), payload)
  sendJson(res, result.ok ? 200 : STATUS[result.error.code], result)
}

async function handleImage(res: ServerResponse, api: ApiService, rawId: string): Promise<void> {
  try {
    const image = await api.displayImage(rawId)
    res.writeHead(200, {
      'Content-Type': image.contentType,
      'Content-Length': image.data.length,
      'Cache-Control': 'private, max-age=60',
      [IMAGE_HEADERS.width]: image.width,
      [IMAGE_HEADERS.height]: image.height,
      [IMAGE_HEADERS.displayWidth]: image.displayWidth,
      [IMAGE_HEADERS.displayHeight]: image.displayHeight,
    })
    res.end(image.data)
  } catch (error) {
    if (error instanceof ApiError) return sendError(res, error)
    log.warn(`image ${rawId} could not be rendered`, error)
    sendError(res, new ApiError('not_found', `Image ${rawId} could not be read from disk.`))
  }
}

async function handleThumbnail(res: ServerResponse, api: ApiService, rawId: string) {
  try {
    const thumb = await api.thumbnail(rawId)
    res.writeHead(200, {
      'Content-Type': thumb.contentType,
      'Content-Length': thumb.data.length,
      // The file under an id does not change while the app runs; let the list reuse it.
      'Cache-Control': 'private, max-age=3600',
    })
    res.end(thumb.data)
  } catch (error) {
    if (error instanceof ApiError) return sendError(res, error)
    // A list scrolls past many files; a missing one is shown as an empty tile, not a warning.
    log.debug(`thumbnail ${rawId} could not be rendered: ${String(error)}`)
    sendError(res, new ApiError('not_found', `Image ${rawId} could not be read from disk.`))
  }
}

async function handleTile(
  res: ServerResponse,
  api: ApiService,
  rawId: string,
  query: Record<string, string>,
) {
  try {
    const tile = await api.tile(rawId, query)
    res.writeHead(200, {
      'Content-Type': tile.contentType,
      'Content-Length': tile.data.length,
      'Cache-Control': 'private, max-age=60',
    })
    res.end(tile.data)
  } catch (error) {
    if (error instanceof ApiError) return sendError(res, error)
    log.warn(`tile of image ${rawId} could not be rendered`, error)
    sendError(res, new ApiError('not_found', `Image ${rawId} could not be read from disk.`))
  }
}

async function serveStatic(res: ServerResponse, root: string | null, pathname: string) {
  if (!root) return sendStatus(res, 404, 'This server has no renderer build to serve.')

  // normalize() folds `..`; anything that still escapes the root is refused.
  const relPath = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname))
  const file = join(root, relPath)
  if (!file.startsWith(root + sep)) return sendStatus(res, 404, 'Not found.')

  const data = await readFile(file).catch(() => null)
  if (!data) return sendStatus(res, 404, 'Not found.')
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  })
  res.end(data)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        fail(new ApiError('invalid_request', 'The request body is too large.'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name]
  return typeof value === 'string' ? value : null
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return null
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function sendJson(res: ServerResponse, status: number, body: ApiResult<unknown>): void {
  const data = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  })
  res.end(data)
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, STATUS[error.code], { ok: false, error: error.toData() })
}

function sendStatus(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    ok: false,
    error: { code: status === 404 ? 'not_found' : 'invalid_request', message },
  })
}
