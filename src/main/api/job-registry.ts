import type { ApiErrorData } from '../../shared/api-error'
import { ApiError } from '../../shared/api-error'
import type { AnnotateFolderSummary, JobInfo, JobProgress } from '../../shared/api'
import { logger } from '../log'

const log = logger('api/jobs')

/** What a job runner gets: a progress sink and the signal that cancels it. */
export interface JobControl {
  report(progress: JobProgress): void
  signal: AbortSignal
}

/** The work of one job; it reports progress and stops early once `signal` aborts. */
export type JobRunner = (control: JobControl) => Promise<AnnotateFolderSummary>

interface Entry {
  info: JobInfo
  abort: AbortController
}

/**
 * Background jobs started through the API, so a request can return at once and the renderer
 * polls `jobs/progress`. Polling rather than pushing keeps IPC and HTTP identical. Only the
 * newest finished jobs are kept; a finished job's result is in the store anyway.
 */
export class JobRegistry {
  private readonly jobs = new Map<number, Entry>()
  private nextId = 1

  constructor(private readonly keepFinished = 50) {}

  /**
   * Starts `run` for `root`, or returns the job already running there: two imports of one
   * folder at once would only race on the same rows.
   */
  start(root: string, datasetId: number, run: JobRunner): JobInfo {
    const running = [...this.jobs.values()].find(
      (entry) => entry.info.root === root && entry.info.state === 'running',
    )
    if (running) return this.snapshot(running)

    const entry: Entry = {
      abort: new AbortController(),
      info: {
        id: this.nextId++,
        kind: 'annotate-folder',
        datasetId,
        root,
        state: 'running',
        progress: { phase: 'queued', total: 0, done: 0, failed: 0, currentPath: null },
        summary: null,
        error: null,
        startedAt: new Date().toISOString(),
        finishedAt: null,
      },
    }
    this.jobs.set(entry.info.id, entry)

    const control: JobControl = {
      report: (progress) => {
        entry.info.progress = progress
      },
      signal: entry.abort.signal,
    }
    run(control).then(
      (summary) => this.settle(entry, { summary }),
      (error: unknown) => this.settle(entry, { error }),
    )
    return this.snapshot(entry)
  }

  get(jobId: number): JobInfo {
    return this.snapshot(this.entry(jobId))
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((entry) => this.snapshot(entry))
  }

  /** Asks a running job to stop; it settles as `cancelled` once its images in flight finish. */
  cancel(jobId: number): JobInfo {
    const entry = this.entry(jobId)
    if (entry.info.state === 'running') entry.abort.abort()
    return this.snapshot(entry)
  }

  /** Cancels everything still running, for shutdown. */
  cancelAll(): void {
    for (const entry of this.jobs.values()) entry.abort.abort()
  }

  private entry(jobId: number): Entry {
    const entry = this.jobs.get(jobId)
    if (!entry) throw new ApiError('not_found', `No job ${jobId}; it may have finished long ago.`)
    return entry
  }

  private settle(entry: Entry, outcome: { summary?: AnnotateFolderSummary; error?: unknown }) {
    const { info } = entry
    info.finishedAt = new Date().toISOString()
    if (outcome.error !== undefined) {
      info.state = entry.abort.signal.aborted ? 'cancelled' : 'failed'
      info.error = errorData(outcome.error)
      log.error(`job ${info.id} on ${info.root} failed: ${info.error.message}`)
    } else {
      info.state = entry.abort.signal.aborted ? 'cancelled' : 'finished'
      info.summary = outcome.summary ?? null
      info.progress = { ...info.progress, phase: 'finished', currentPath: null }
    }
    this.prune()
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((entry) => entry.info.state !== 'running')
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) {
      this.jobs.delete(entry.info.id)
    }
  }

  /** A copy, so a caller holding it never sees the job change under it. */
  private snapshot(entry: Entry): JobInfo {
    return structuredClone(entry.info)
  }
}

function errorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData()
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}
