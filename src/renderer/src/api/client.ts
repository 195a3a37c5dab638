import { ApiError, unwrapResult, type ApiResult } from '@shared/api-error'
import type { ApiMethods } from '@shared/api'
import {
  IMAGE_HEADERS,
  IMAGE_PROTOCOL,
  type DisplayImageInfo,
  type TileRegion,
} from '@shared/display-image'
import { httpApi, startFolderFromPage, tokenFromPage } from './http-transport'

/** A decoded display image plus the sizes that map stored coordinates onto it. */
export interface LoadedImage {
  bitmap: ImageBitmap
  info: DisplayImageInfo
}

/** What the stores talk to; they never see which transport is underneath. */
export interface FacemarkClient {
  transport: 'ipc' | 'http'
  /** The contract's methods, resolving to values and rejecting with {@link ApiError}. */
  api: ApiMethods<'value'>
  loadImage(imageId: number, signal?: AbortSignal): Promise<LoadedImage>
  /** A full-resolution region of the upright original, for zooming past the display image. */
  loadTile(imageId: number, region: TileRegion, signal?: AbortSignal): Promise<ImageBitmap>
  /** A small list thumbnail, as a URL an `<img>` can load (cookie or custom scheme). */
  thumbnailUrl(imageId: number): string
  /** Native folder picker; null in the browser, where the user types a path instead. */
  pickFolder: (() => Promise<string | null>) | null
  /** The path of a dropped folder; null in the browser, which hides paths from pages. */
  pathForFile: ((file: File) => string) | null
  /** A folder to open on start: the one a headless server was told to open, if any. */
  startFolder: string | null
}

/** Turns result envelopes into values and thrown typed errors, method by method. */
function unwrapMethods(methods: ApiMethods<'result'>): ApiMethods<'value'> {
  const out: Record<string, Record<string, (request: unknown) => Promise<unknown>>> = {}
  for (const [domain, verbs] of Object.entries(methods)) {
    out[domain] = {}
    for (const [verb, call] of Object.entries(verbs)) {
      const method = call as (request: unknown) => Promise<ApiResult<unknown>>
      out[domain][verb] = async (request) => unwrapResult(await method(request))
    }
  }
  return out as unknown as ApiMethods<'value'>
}

function createClient(): FacemarkClient {
  const bridge = window.facemark
  if (bridge) {
    const { shell, ...methods } = bridge
    return {
      transport: 'ipc',
      api: unwrapMethods(methods),
      loadImage: (id, signal) => fetchImage(`${IMAGE_PROTOCOL}://image/${id}`, {}, signal),
      loadTile: (id, region, signal) =>
        fetchTile(`${IMAGE_PROTOCOL}://tile/${id}?${tileQuery(region)}`, {}, signal),
      thumbnailUrl: (id) => `${IMAGE_PROTOCOL}://thumb/${id}`,
      pickFolder: async () => unwrapResult(await shell.pickFolder()),
      pathForFile: (file) => shell.pathForFile(file),
      startFolder: null,
    }
  }

  const token = tokenFromPage()
  return {
    transport: 'http',
    api: unwrapMethods(httpApi(token)),
    loadImage: (id, signal) => fetchImage(`/image/${id}`, { 'x-facemark-token': token }, signal),
    loadTile: (id, region, signal) =>
      fetchTile(`/tile/${id}?${tileQuery(region)}`, { 'x-facemark-token': token }, signal),
    // The page was opened with ?token=, which set the session cookie an <img> request carries.
    thumbnailUrl: (id) => `/thumb/${id}`,
    pickFolder: null,
    pathForFile: null,
    startFolder: startFolderFromPage(),
  }
}

async function fetchImage(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<LoadedImage> {
  const response = await fetch(url, { headers, signal }).catch((error: unknown) => {
    if (signal?.aborted) throw error
    throw new ApiError('unavailable', 'The image could not be fetched. Is the app still running?')
  })
  if (!response.ok) throw await imageError(response)

  const size = (name: string) => Number(response.headers.get(name))
  const info: DisplayImageInfo = {
    width: size(IMAGE_HEADERS.width),
    height: size(IMAGE_HEADERS.height),
    displayWidth: size(IMAGE_HEADERS.displayWidth),
    displayHeight: size(IMAGE_HEADERS.displayHeight),
  }
  if (!(info.width > 0 && info.height > 0)) {
    throw new ApiError('internal', 'The image arrived without its size headers.')
  }
  const bitmap = await createImageBitmap(await response.blob())
  return { bitmap, info }
}

function tileQuery({ x, y, width, height }: TileRegion): string {
  return `x=${x}&y=${y}&w=${width}&h=${height}`
}

async function fetchTile(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<ImageBitmap> {
  const response = await fetch(url, { headers, signal })
  if (!response.ok) throw await imageError(response)
  return createImageBitmap(await response.blob())
}

/** The server answers with a result envelope (HTTP) or plain text (Electron protocol). */
async function imageError(response: Response): Promise<ApiError> {
  const text = await response.text()
  try {
    const result = JSON.parse(text) as ApiResult<never>
    if (!result.ok) return ApiError.fromData(result.error)
  } catch {
    // Not JSON: the text itself is the message.
  }
  return new ApiError('not_found', text || `The image request failed (${response.status}).`)
}

/** The one client of this page: IPC inside Electron, HTTP when served by serve.ts. */
export const client: FacemarkClient = createClient()
