import { listModelStatus, type ModelDirs } from './catalog'
import { installModel } from './install'
import { readRegistry } from './registry'
import { defaultModelDataDir } from './resolve'
import type { ModelInfo } from '../../shared/api'
import { logger } from '../log'

const log = logger('models')

interface Task {
  stage: 'downloading' | 'deriving'
  received: number
  total: number
  error: string | null
  controller: AbortController
}

/**
 * Installs running in the background of the app, one per model, so the Models page can poll
 * their progress through `models/list` while the download or derivation goes on.
 */
export class ModelTasks {
  private readonly tasks = new Map<string, Task>()

  constructor(private readonly dirs: ModelDirs) {}

  /** Start installing `id` unless it is already under way. */
  install(id: string): void {
    const running = this.tasks.get(id)
    if (running && !running.error) return
    const task: Task = {
      stage: 'downloading',
      received: 0,
      total: 0,
      error: null,
      controller: new AbortController(),
    }
    this.tasks.set(id, task)

    installModel(id, {
      ...this.dirs,
      signal: task.controller.signal,
      onStage: (stage) => {
        if (stage !== 'done') task.stage = stage
      },
      onProgress: (received, total) => Object.assign(task, { received, total }),
    }).then(
      () => this.tasks.delete(id),
      (error: Error) => {
        log.warn(`installing ${id} failed: ${error.message}`)
        task.error = error.message
      },
    )
  }

  /** Stop an install in progress (its partial download stays and resumes later). */
  cancel(id: string): void {
    this.tasks.get(id)?.controller.abort()
    this.tasks.delete(id)
  }

  cancelAll(): void {
    for (const id of [...this.tasks.keys()]) this.cancel(id)
  }

  /** Every known model with its state, including installs under way. */
  async list(): Promise<ModelInfo[]> {
    const dataDir = this.dirs.dataDir ?? defaultModelDataDir()
    const selected = readRegistry(dataDir).selected
    const rows = await listModelStatus(this.dirs)

    return rows.map((row): ModelInfo => {
      const { manifest } = row
      const task = this.tasks.get(manifest.id)
      const size = manifest.input.size
      const busy = task && !task.error
      return {
        id: manifest.id,
        name: manifest.name,
        family: manifest.family,
        origin: row.origin,
        inputSize: size.kind === 'fixed' ? `${size.width}x${size.height}` : 'any',
        state: busy ? task.stage : row.state,
        progress: busy && task.total ? { received: task.received, total: task.total } : null,
        partialBytes: row.partialBytes,
        bytes: manifest.bytes,
        sha256: row.sha256,
        path: row.path,
        selected: selected.fixed === manifest.id || selected.dynamic === manifest.id,
        installable: row.origin === 'builtin',
        error: task?.error ?? (row.problem ? `wrong ${row.problem}` : null),
      }
    })
  }
}
