import { stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { z } from 'zod'

import { API_CHANNELS, type ApiChannel } from '../../shared/api-channels'
import { ApiError, type ApiResult } from '../../shared/api-error'
import { api, type ApiParsedRequest, type ApiResponse } from '../../shared/api'
import type { ImageRecord } from '../../shared/records'
import type { AppContext } from '../jobs/context'
import { annotateFolder } from '../jobs/annotate-folder'
import { logger } from '../log'
import { ensureDataset, getDataset, listDatasets } from '../store/datasets'
import { listFaces } from '../store/faces'
import { getImage, listImages, setImageStatus } from '../store/images'
import { annotationSet, getLabelSet } from '../store/label-sets'
import { renderDisplayImage, type DisplayImage } from './display-image'
import { labelsHandlers } from './dataio-handlers'
import { faceHandlers } from './face-handlers'
import { JobRegistry } from './job-registry'
import { createThumbnailCache, type Thumbnail } from './thumbnail'
import { createTileRenderer, parseTileRegion, type Tile } from './image-tiles'
import { modelHandlers } from './model-handlers'
import { reviewHandlers } from './review-handlers'

const log = logger('api')

/** One function per channel, receiving the request after its schema accepted it. */
export type ApiHandlers = {
  [C in ApiChannel]: (request: ApiParsedRequest<C>) => Promise<ApiResponse<C>>
}

/** The API both transports (Electron IPC and the HTTP server) put in front of the core. */
export interface ApiService {
  handlers: ApiHandlers
  /** Validates `payload` for `channel`, runs the handler, and never throws. */
  dispatch(channel: string, payload: unknown): Promise<ApiResult<unknown>>
  /** The display image route; `rawId` comes straight from a URL and is validated here. */
  displayImage(rawId: unknown): Promise<DisplayImage>
  /** The list thumbnail route, cached in memory; `rawId` is validated here. */
  thumbnail(rawId: unknown): Promise<Thumbnail>
  /** A full-resolution region of the upright image; `query` holds x, y, w, h from the URL. */
  tile(rawId: unknown, query: Record<string, unknown>): Promise<Tile>
  /** Cancels background jobs; the caller closes the context afterwards. */
  close(): void
}

/** Options of {@link createApi}. */
export interface ApiOptions {
  /** Send stacks with errors, for development builds only. */
  includeStack?: boolean
  /** Replaces the folder job, so tests can run without model files. */
  annotate?: typeof annotateFolder
}

const imageIdSchema = z.coerce.number().int().positive()

/** Builds the handlers on top of an application context (database + detector). */
export function createApi(ctx: AppContext, options: ApiOptions = {}): ApiService {
  const jobs = new JobRegistry()
  const models = modelHandlers(ctx)
  const labels = labelsHandlers(ctx)
  const annotate = options.annotate ?? annotateFolder
  const thumbnail = createThumbnailCache()
  const tile = createTileRenderer()
  const faces = faceHandlers(ctx, {
    requireImage: (imageId) => requireImage(ctx, imageId),
    imageFile: (image) => imageFile(ctx, image),
  })

  const handlers: ApiHandlers = {
    'datasets/list': async () => listDatasets(ctx.db),

    'datasets/get': async ({ datasetId }) => requireDataset(ctx, datasetId),

    'datasets/open': async ({ root, name }) => {
      const folder = await requireFolder(root)
      const dataset = ensureDataset(ctx.db, folder, name)
      const job = jobs.start(folder, dataset.id, ({ report, signal }) =>
        annotate(ctx, folder, { signal, onProgress: ({ datasetId: _, ...p }) => report(p) }),
      )
      return { dataset, job }
    },

    'images/list': async ({ datasetId, status, source }) => {
      requireDataset(ctx, datasetId)
      return listImages(ctx.db, datasetId, { status, source })
    },

    'images/get': async ({ imageId }) => requireImage(ctx, imageId),

    'images/set-status': async ({ imageId, status }) => {
      requireImage(ctx, imageId)
      setImageStatus(ctx.db, imageId, status)
      return requireImage(ctx, imageId)
    },

    'faces/list': async ({ imageId, labelSetId }) => {
      const image = requireImage(ctx, imageId)
      const labelSet =
        labelSetId === undefined
          ? annotationSet(ctx.db, image.datasetId)
          : getLabelSet(ctx.db, labelSetId)
      if (!labelSet || labelSet.datasetId !== image.datasetId) {
        throw new ApiError(
          'not_found',
          `Label set ${labelSetId} does not belong to image ${imageId}.`,
        )
      }
      return { labelSet, faces: listFaces(ctx.db, imageId, labelSet.id) }
    },

    ...faces,

    'jobs/list': async () => jobs.list(),
    'jobs/progress': async ({ jobId }) => jobs.get(jobId),
    'jobs/cancel': async ({ jobId }) => jobs.cancel(jobId),

    ...models.handlers,
    ...labels.handlers,
    ...reviewHandlers(ctx),
  }

  return {
    handlers,
    dispatch: (channel, payload) => dispatch(handlers, channel, payload, options.includeStack),
    displayImage: async (rawId) => renderDisplayImage(readableFile(ctx, rawId)),
    thumbnail: async (rawId) => thumbnail(readableFile(ctx, rawId)),
    tile: async (rawId, query) => tile(readableFile(ctx, rawId), parseTileRegion(query)),
    close: () => {
      jobs.cancelAll()
      models.close()
      labels.close()
    },
  }
}

const channels = new Set<string>(API_CHANNELS)

function isChannel(name: string): name is ApiChannel {
  return channels.has(name)
}

/**
 * The single entry point of both transports: checks the channel, validates the payload with
 * the contract's schema before any handler (and so SQLite) sees it, and turns every outcome
 * into a result envelope.
 */
export async function dispatch(
  handlers: ApiHandlers,
  channel: string,
  payload: unknown,
  includeStack = false,
): Promise<ApiResult<unknown>> {
  if (!isChannel(channel)) {
    log.warn(`refused unknown channel ${JSON.stringify(channel).slice(0, 80)}`)
    return failure(new ApiError('unknown_channel', `No API channel named ${channel}.`))
  }

  const parsed = api[channel].request.safeParse(payload ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`)
      .join('; ')
    log.warn(`refused ${channel}: ${issues}`)
    return failure(new ApiError('invalid_request', `Invalid ${channel} request: ${issues}`))
  }

  log.debug(`api#${channel}`)
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (error) {
    if (error instanceof ApiError) return failure(error, includeStack)
    log.error(`${channel} failed`, error)
    const message = error instanceof Error ? error.message : String(error)
    const wrapped = new ApiError('internal', message)
    if (error instanceof Error) wrapped.stack = error.stack
    return failure(wrapped, includeStack)
  }
}

function failure(error: ApiError, includeStack = false): ApiResult<never> {
  return { ok: false, error: error.toData(includeStack) }
}

async function requireFolder(root: string): Promise<string> {
  if (!isAbsolute(root)) {
    throw new ApiError('invalid_request', `Give the full path of the folder, not "${root}".`)
  }
  const folder = resolve(root)
  const info = await stat(folder).catch(() => null)
  if (!info?.isDirectory()) {
    throw new ApiError('not_found', `No folder at ${folder}. Check the path and try again.`)
  }
  return folder
}

function requireDataset(ctx: AppContext, datasetId: number) {
  const dataset = getDataset(ctx.db, datasetId)
  if (!dataset) throw new ApiError('not_found', `No dataset ${datasetId}; reopen its folder.`)
  return dataset
}

function requireImage(ctx: AppContext, imageId: number): ImageRecord {
  const image = getImage(ctx.db, imageId)
  if (!image) throw new ApiError('not_found', `No image ${imageId}; the list may be out of date.`)
  return image
}

/**
 * The file behind an image route's raw id. An image already found unreadable is refused with
 * the reason found then, rather than decoded again to fail with a vaguer one.
 */
function readableFile(ctx: AppContext, rawId: unknown): string {
  const parsed = imageIdSchema.safeParse(rawId)
  if (!parsed.success) throw new ApiError('invalid_request', `Bad image id: ${String(rawId)}`)
  const image = requireImage(ctx, parsed.data)
  if (image.error !== null) {
    throw new ApiError(
      'not_found',
      `${image.relPath} cannot be shown: ${image.error}. Replace the file and open the folder again.`,
    )
  }
  return imageFile(ctx, image)
}

/** The file of an image, refusing any stored path that would climb out of its dataset root. */
function imageFile(ctx: AppContext, image: ImageRecord): string {
  const root = requireDataset(ctx, image.datasetId).root
  const file = resolve(root, image.relPath)
  const inside = relative(root, file)
  if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw new ApiError('forbidden', `Image ${image.id} points outside its dataset folder.`)
  }
  return file
}
