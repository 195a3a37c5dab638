import type { FaceLabel } from '@shared/face'
import type { FaceSource, StoredFace } from '@shared/records'

/** Everything needed to write a face back exactly as it was, provenance included. */
export interface FaceSnapshot {
  label: FaceLabel
  source: FaceSource
  runId: number | null
  originFaceId: number | null
}

/**
 * One named undo step. Faces are named by a key the history hands out ({@link
 * EditHistory.keyOf}), not by id: a face deleted and brought back by undo gets a new id from
 * SQLite (which may even reuse a freed id), and the history maps keys to current ids, so
 * later steps still find it.
 */
export type EditCommand =
  | { kind: 'create'; name: string; faces: { key: number; snapshot: FaceSnapshot }[] }
  | { kind: 'delete'; name: string; faces: { key: number; snapshot: FaceSnapshot }[] }
  | {
      kind: 'change'
      name: string
      faces: { key: number; before: FaceSnapshot; after: FaceSnapshot }[]
    }

/** How steps reach the store; the annotation store implements it over the typed API. */
export interface HistoryExecutor {
  /** Re-creates a face; resolves to its new id. */
  create(snapshot: FaceSnapshot): Promise<number>
  remove(faceIds: number[]): Promise<void>
  restore(faceId: number, snapshot: FaceSnapshot): Promise<void>
}

/**
 * Folds a step into the previous one: same `key`, and no more than `withinMs` after the
 * previous step carrying that key (a run of nudges becomes one undo step).
 */
export interface Coalesce {
  key: string
  withinMs: number
}

/** A face as a snapshot. */
export function snapshotOf(face: StoredFace): FaceSnapshot {
  return {
    label: {
      box: { ...face.box },
      score: face.score,
      landmarks: face.landmarks.map((p) => ({ ...p })),
      attributes: { ...face.attributes },
      quality: face.quality,
    },
    source: face.source,
    runId: face.runId,
    originFaceId: face.originFaceId,
  }
}

/**
 * Unlimited undo and redo for one image, with a name per step. Every step is persisted as it
 * runs, through the executor, and steps run strictly one after another: an undo pressed while
 * a create is still on its way waits for it, and so knows the id to delete.
 */
export class EditHistory {
  private readonly done: EditCommand[] = []
  private readonly undone: EditCommand[] = []
  private readonly idByKey = new Map<number, number>()
  private readonly keyById = new Map<number, number>()
  private nextKey = 1
  private chain: Promise<unknown> = Promise.resolve()
  /** The coalescing key of the newest step and when it was asked for; null: none. */
  private lastCoalesce: { key: string; at: number } | null = null

  constructor(private readonly executor: HistoryExecutor) {}

  /** Names of the steps that undo and redo would take, newest first. */
  get undoNames(): string[] {
    return this.done.map((c) => c.name).reverse()
  }

  get redoNames(): string[] {
    return this.undone.map((c) => c.name).reverse()
  }

  /** The key of the face that has this id now; a face seen for the first time gets one. */
  keyOf(faceId: number): number {
    let key = this.keyById.get(faceId)
    if (key === undefined) {
      key = this.nextKey++
      this.bind(key, faceId)
    }
    return key
  }

  /** The current id of the face recorded under `key`. */
  idOf(key: number): number {
    const id = this.idByKey.get(key)
    if (id === undefined) throw new Error(`No face is recorded under key ${key}`)
    return id
  }

  /**
   * Runs a first-time edit after every earlier step and records the step it reports (null:
   * nothing changed, nothing recorded). A new step clears the redo stack, as everywhere.
   * With `coalesce`, a change of the same faces soon after the previous step of the same key
   * is folded into it: one undo then reverts the whole run.
   */
  perform(edit: () => Promise<EditCommand | null>, coalesce?: Coalesce): Promise<void> {
    // The time of the request (the key press), not of its write, which may queue.
    const at = Date.now()
    return this.enqueue(async () => {
      const command = await edit()
      if (!command) return
      if (command.kind === 'delete') {
        for (const f of command.faces) this.keyById.delete(this.idOf(f.key))
      }
      const previous = this.lastCoalesce
      const fold =
        coalesce !== undefined &&
        previous?.key === coalesce.key &&
        at - previous.at <= coalesce.withinMs
      this.lastCoalesce = coalesce ? { key: coalesce.key, at } : null
      if (!fold || !this.fold(command)) this.done.push(command)
      this.undone.length = 0
    })
  }

  /** Reverts the newest step; resolves to its name, or null when there is none. */
  undo(): Promise<string | null> {
    return this.enqueue(async () => {
      const command = this.done.pop()
      if (!command) return null
      this.lastCoalesce = null
      await this.revert(command)
      this.undone.push(command)
      return command.name
    })
  }

  /** Applies the newest undone step again; resolves to its name, or null. */
  redo(): Promise<string | null> {
    return this.enqueue(async () => {
      const command = this.undone.pop()
      if (!command) return null
      this.lastCoalesce = null
      await this.apply(command)
      this.done.push(command)
      return command.name
    })
  }

  /** Resolves once every queued step has been written. */
  settled(): Promise<void> {
    return this.enqueue(async () => undefined)
  }

  /** Merges a change into the newest step when both change the same faces; false if not. */
  private fold(command: EditCommand): boolean {
    const last = this.done.at(-1)
    if (last?.kind !== 'change' || command.kind !== 'change') return false
    const afters = new Map(command.faces.map((f) => [f.key, f.after]))
    if (afters.size !== last.faces.length || !last.faces.every((f) => afters.has(f.key))) {
      return false
    }
    // Before: where the run started; after: where it ended.
    const faces = last.faces.map((f) => ({ ...f, after: afters.get(f.key)! }))
    this.done[this.done.length - 1] = { ...last, faces }
    return true
  }

  private async apply(command: EditCommand): Promise<void> {
    if (command.kind === 'create') await this.recreate(command.faces)
    else if (command.kind === 'delete') await this.remove(command.faces)
    else {
      for (const f of command.faces) await this.executor.restore(this.idOf(f.key), f.after)
    }
  }

  private async revert(command: EditCommand): Promise<void> {
    if (command.kind === 'create') await this.remove(command.faces)
    else if (command.kind === 'delete') await this.recreate(command.faces)
    else {
      for (const f of command.faces) await this.executor.restore(this.idOf(f.key), f.before)
    }
  }

  private async recreate(faces: { key: number; snapshot: FaceSnapshot }[]): Promise<void> {
    for (const { key, snapshot } of faces) {
      this.bind(key, await this.executor.create(snapshot))
    }
  }

  private async remove(faces: { key: number }[]): Promise<void> {
    const ids = faces.map((f) => this.idOf(f.key))
    await this.executor.remove(ids)
    // SQLite may hand a freed id to the next new face, which must not inherit this key.
    for (const id of ids) this.keyById.delete(id)
  }

  private bind(key: number, faceId: number): void {
    this.idByKey.set(key, faceId)
    this.keyById.set(faceId, key)
  }

  /** Chains a task; a failed task is reported to its caller but does not jam the queue. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task)
    this.chain = run.catch(() => undefined)
    return run
  }
}
