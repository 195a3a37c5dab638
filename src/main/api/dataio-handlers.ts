import type { ApiErrorData } from '../../shared/api-error'
import { ApiError } from '../../shared/api-error'
import type {
  ApiParsedRequest,
  ApiResponse,
  LabelsJobInfo,
  LabelsJobSummary,
} from '../../shared/api'
import type { AppContext } from '../jobs/context'
import { exportLabels } from '../jobs/export-labels'
import { importLabels } from '../jobs/import-labels'
import { logger } from '../log'

const log = logger('api/labels')

type LabelsChannel = 'labels/import' | 'labels/export' | 'labels/job' | 'labels/cancel'

type LabelsHandlers = {
  [C in LabelsChannel]: (request: ApiParsedRequest<C>) => Promise<ApiResponse<C>>
}

/** How many missing images and problems a summary names before it only counts. */
const NOTE_LIMIT = 20

interface Entry {
  info: LabelsJobInfo
  abort: AbortController
}

/**
 * Label import and export as background jobs the renderer polls with `labels/job`, like
 * `jobs/progress` does for folders. Kept apart from the folder jobs so their progress and
 * summary shapes stay what the folder view reads.
 */
export function labelsHandlers(ctx: AppContext): { handlers: LabelsHandlers; close(): void } {
  const jobs = new Map<number, Entry>()
  let nextId = 1

  const start = (kind: 'import' | 'export', run: (entry: Entry) => Promise<LabelsJobSummary>) => {
    const entry: Entry = {
      abort: new AbortController(),
      info: {
        id: nextId++,
        kind,
        state: 'running',
        progress: { phase: 'queued', total: 0, done: 0 },
        summary: null,
        error: null,
        startedAt: new Date().toISOString(),
        finishedAt: null,
      },
    }
    jobs.set(entry.info.id, entry)
    run(entry).then(
      (summary) => settle(entry, summary, null),
      (error: unknown) => settle(entry, null, error),
    )
    return structuredClone(entry.info)
  }

  const get = (jobId: number) => {
    const entry = jobs.get(jobId)
    if (!entry) throw new ApiError('not_found', `No label job ${jobId}.`)
    return entry
  }

  const handlers: LabelsHandlers = {
    'labels/import': async (request) =>
      start('import', async ({ info, abort }) => {
        const summary = await importLabels(ctx.db, {
          ...request,
          signal: abort.signal,
          onProgress: (p) => (info.progress = p),
        })
        const notes = [
          ...summary.missingImages.map((p) => `not on disk: ${p}`),
          ...summary.unreadableImages.map((u) => `unreadable: ${u.relPath}: ${u.reason}`),
          ...summary.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`),
        ]
        return {
          datasetId: summary.datasetId,
          labelSetId: summary.labelSet.id,
          images: summary.images,
          faces: summary.faces,
          out: null,
          notes: limit(notes),
        }
      }),

    'labels/export': async (request) =>
      start('export', async ({ info, abort }) => {
        const summary = await exportLabels(ctx.db, {
          ...request,
          signal: abort.signal,
          onProgress: (p) => (info.progress = p),
        })
        return {
          datasetId: request.datasetId,
          labelSetId: summary.labelSet.id,
          images: summary.images,
          faces: summary.faces,
          out: summary.out,
          notes: [
            ...(summary.notInSet
              ? [`${summary.notInSet} images the set does not label were left out`]
              : []),
            ...summary.notes,
          ],
        }
      }),

    'labels/job': async ({ jobId }) => structuredClone(get(jobId).info),

    'labels/cancel': async ({ jobId }) => {
      const entry = get(jobId)
      if (entry.info.state === 'running') entry.abort.abort()
      return structuredClone(entry.info)
    },
  }

  return {
    handlers,
    close: () => {
      for (const entry of jobs.values()) entry.abort.abort()
    },
  }
}

function settle(entry: Entry, summary: LabelsJobSummary | null, error: unknown) {
  const { info } = entry
  info.finishedAt = new Date().toISOString()
  if (summary) {
    info.state = 'finished'
    info.summary = summary
    info.progress = { ...info.progress, phase: 'finished' }
    return
  }
  info.state = entry.abort.signal.aborted ? 'cancelled' : 'failed'
  info.error = errorData(error)
  log.warn(`label ${info.kind} job ${info.id} ${info.state}: ${info.error.message}`)
}

function errorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData()
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}

function limit(notes: string[]): string[] {
  if (notes.length <= NOTE_LIMIT) return notes
  return [...notes.slice(0, NOTE_LIMIT), `… and ${notes.length - NOTE_LIMIT} more`]
}
