import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { logger } from '../log'
import type { DetectOptions, DetectorOptions, DetectResult } from './detector'
import { DetectError } from './errors'
import type { ImageSummary, WorkerReply, WorkerRequest } from './protocol'

const log = logger('detect')

export interface PoolOptions extends DetectorOptions {
  /** Worker threads; default one per core. Each uses intraOpNumThreads (default 1). */
  workers?: number
  /** Test hook: lets a `crash` request kill a worker. */
  crashOnRequest?: boolean
}

interface Task {
  id: number
  path: string
  options: DetectOptions
  resolve: (value: { image: ImageSummary; result: DetectResult }) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  task: Task | null
}

/**
 * How to start a worker. From the bundle, detect-worker.js sits beside this chunk (or one
 * folder up when the bundler put this code in chunks/). From TypeScript source (tsx, vitest),
 * a tiny eval bootstrap registers tsx inside the thread before importing worker.ts, because
 * `--import tsx` in a Worker's execArgv is not honoured by every host (vitest's forks).
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (import.meta.url.endsWith('.ts')) {
    // The ESM build of tsx's API; require.resolve finds its CommonJS twin beside it.
    const api = createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs')
    const tsx = pathToFileURL(api).href
    const worker = new URL('./worker.ts', import.meta.url).href
    const code =
      `import(${JSON.stringify(tsx)})` +
      `.then((m) => { m.register(); return import(${JSON.stringify(worker)}) })`
    return { entry: code, eval: true }
  }
  const candidates = [
    new URL('./detect-worker.js', import.meta.url),
    new URL('../detect-worker.js', import.meta.url),
  ]
  return {
    entry: candidates.find((url) => existsSync(fileURLToPath(url))) ?? candidates[0],
    eval: false,
  }
}

/**
 * Detection off the main thread: N worker threads, each with its own lazily created ORT
 * session, fed from one queue so every core stays busy through a batch. A worker that dies
 * fails only the file it held (code `worker`) and is replaced.
 */
export class DetectorPool {
  /** Number of worker threads. */
  readonly size: number
  private readonly slots: Slot[] = []
  private readonly queue: Task[] = []
  private nextId = 1
  private closed = false

  constructor(private readonly options: PoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? availableParallelism())
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn())
  }

  /** Detect faces in a file on some worker; rejects with a DetectError carrying a code. */
  detectFile(
    path: string,
    options: DetectOptions = {},
  ): Promise<{ image: ImageSummary; result: DetectResult }> {
    if (this.closed) return Promise.reject(new DetectError('closed', 'The detector pool is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, path, options, resolve, reject })
      this.dispatch()
    })
  }

  /** Kill one busy or idle worker (tests of crash recovery). */
  crashOneForTest(): void {
    this.slots[0]?.worker.postMessage({ kind: 'crash' } satisfies WorkerRequest)
  }

  /** Reject queued work and stop every worker. */
  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) {
      task.reject(
        new DetectError('closed', `The detector pool closed before ${task.path} was processed`),
      )
    }
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()))
  }

  private spawn(): Slot {
    const { entry, eval: isCode } = workerEntry()
    // Functions cannot cross to a thread, and the pool's own fields mean nothing there.
    const detectorOptions: DetectorOptions & { crashOnRequest?: boolean } = { ...this.options }
    delete (detectorOptions as PoolOptions).workers
    delete detectorOptions.onProgress
    const worker = new Worker(entry, { workerData: detectorOptions, eval: isCode })
    const slot: Slot = { worker, task: null }

    worker.on('message', (reply: WorkerReply) => this.settle(slot, reply))
    worker.on('error', (error) => this.fail(slot, error.message))
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(slot, `exit code ${code}`)
    })
    // Idle workers must not keep a CLI process alive.
    worker.unref()
    return slot
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || this.queue.length === 0) continue
      const task = this.queue.shift()!
      slot.task = task
      slot.worker.ref()
      const request: WorkerRequest = {
        kind: 'detect',
        id: task.id,
        path: task.path,
        options: task.options,
      }
      slot.worker.postMessage(request)
    }
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const task = slot.task
    if (!task || task.id !== reply.id) return
    slot.task = null
    slot.worker.unref()

    if (reply.ok) task.resolve({ image: reply.image, result: reply.result })
    else task.reject(new DetectError(reply.error.code, reply.error.message))
    this.dispatch()
  }

  /** A worker died (error event, then exit): fail its task once, replace it once. */
  private fail(slot: Slot, why: string): void {
    const index = this.slots.indexOf(slot)
    if (index === -1) return

    log.error(`detection worker died (${why})`)
    const task = slot.task
    slot.task = null
    task?.reject(
      new DetectError(
        'worker',
        `The detection worker crashed while processing ${task.path} (${why}); it was restarted`,
      ),
    )

    void slot.worker.terminate()
    if (this.closed) return
    this.slots[index] = this.spawn()
    this.dispatch()
  }
}
