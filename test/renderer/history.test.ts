import { describe, expect, it } from 'vitest'

import { DEFAULT_ATTRIBUTES } from '../../src/shared/face'
import { EditHistory, type FaceSnapshot } from '../../src/renderer/src/editor/history'

/** An in-memory "database" with SQLite's habit of reusing the highest freed rowid. */
function fakeStore() {
  const rows = new Map<number, FaceSnapshot>()
  const log: string[] = []
  const nextId = () => Math.max(0, ...rows.keys()) + 1
  return {
    rows,
    log,
    nextId,
    executor: {
      create: async (s: FaceSnapshot) => {
        const id = nextId()
        rows.set(id, s)
        log.push(`create ${id}`)
        return id
      },
      remove: async (ids: number[]) => {
        for (const id of ids) rows.delete(id)
        log.push(`remove ${ids.join(',')}`)
      },
      restore: async (id: number, s: FaceSnapshot) => {
        if (!rows.has(id)) throw new Error(`no face ${id}`)
        rows.set(id, s)
        log.push(`restore ${id}`)
      },
    },
  }
}

const snap = (x: number, source: FaceSnapshot['source'] = 'human'): FaceSnapshot => ({
  label: {
    box: { x, y: 0, width: 10, height: 10 },
    score: null,
    landmarks: [],
    attributes: { ...DEFAULT_ATTRIBUTES },
    quality: null,
  },
  source,
  runId: null,
  originFaceId: null,
})

describe('when steps are undone and redone', () => {
  it('names each step and walks back and forth without limit', async () => {
    const store = fakeStore()
    const h = new EditHistory(store.executor)
    store.rows.set(1, snap(0, 'model'))
    for (let i = 1; i <= 50; i++) {
      const before = store.rows.get(1)!
      const after = snap(i)
      store.rows.set(1, after)
      await h.perform(async () => ({
        kind: 'change',
        name: `Move ${i}`,
        faces: [{ key: h.keyOf(1), before, after }],
      }))
    }
    expect(h.undoNames.slice(0, 2)).toEqual(['Move 50', 'Move 49'])
    for (let i = 0; i < 50; i++) await h.undo()
    expect(store.rows.get(1)).toEqual(snap(0, 'model'))
    expect(await h.undo()).toBeNull()
    expect(await h.redo()).toBe('Move 1')
    expect(store.rows.get(1)!.label.box.x).toBe(1)
  })

  it('finds a face deleted and re-created under a new id, even when SQLite reuses ids', async () => {
    const store = fakeStore()
    const h = new EditHistory(store.executor)

    // Draw A (id 1), move it, delete it.
    const a = await store.executor.create(snap(5))
    await h.perform(async () => ({
      kind: 'create',
      name: 'Draw face',
      faces: [{ key: h.keyOf(a), snapshot: snap(5) }],
    }))
    store.rows.set(a, snap(6))
    await h.perform(async () => ({
      kind: 'change',
      name: 'Move face',
      faces: [{ key: h.keyOf(a), before: snap(5), after: snap(6) }],
    }))
    await h.perform(async () => {
      store.rows.delete(a)
      return {
        kind: 'delete',
        name: 'Delete face',
        faces: [{ key: h.keyOf(a), snapshot: snap(6) }],
      }
    })

    // Draw B: SQLite hands out id 1 again. B must get a key of its own.
    const b = await store.executor.create(snap(100))
    expect(b).toBe(a)
    await h.perform(async () => ({
      kind: 'create',
      name: 'Draw face',
      faces: [{ key: h.keyOf(b), snapshot: snap(100) }],
    }))

    await h.undo() // removes B (id 1)
    await h.undo() // re-creates A with the id 1
    await h.undo() // moves A back
    expect([...store.rows.values()]).toEqual([snap(5)])
    await h.redo()
    await h.redo() // deletes A again
    await h.redo() // re-creates B
    expect([...store.rows.values()]).toEqual([snap(100)])
  })

  it('runs steps strictly in order, so an undo waits for the create it reverts', async () => {
    const store = fakeStore()
    const h = new EditHistory(store.executor)
    let release!: () => void
    const slow = new Promise<void>((done) => (release = done))
    const first = h.perform(async () => {
      await slow
      const id = await store.executor.create(snap(1))
      return { kind: 'create', name: 'Draw face', faces: [{ key: h.keyOf(id), snapshot: snap(1) }] }
    })
    const undone = h.undo()
    release()
    await first
    expect(await undone).toBe('Draw face')
    expect(store.log).toEqual(['create 1', 'remove 1'])
  })

  it('clears redo when a new step is recorded', async () => {
    const store = fakeStore()
    const h = new EditHistory(store.executor)
    const id = await store.executor.create(snap(1))
    await h.perform(async () => ({
      kind: 'create',
      name: 'Draw face',
      faces: [{ key: h.keyOf(id), snapshot: snap(1) }],
    }))
    await h.undo()
    expect(h.redoNames).toEqual(['Draw face'])
    await h.perform(async () => null)
    expect(h.redoNames).toEqual(['Draw face'])
    const id2 = await store.executor.create(snap(2))
    await h.perform(async () => ({
      kind: 'create',
      name: 'Draw face',
      faces: [{ key: h.keyOf(id2), snapshot: snap(2) }],
    }))
    expect(h.redoNames).toEqual([])
  })
})

describe('when a run of nudges is recorded', () => {
  /** Moves face 1 to `x` as a step carrying the coalescing key `key`. */
  async function nudge(h: EditHistory, rows: Map<number, FaceSnapshot>, x: number, key: string) {
    const before = rows.get(1)!
    const after = snap(x)
    rows.set(1, after)
    await h.perform(
      async () => ({
        kind: 'change',
        name: 'Nudge face',
        faces: [{ key: h.keyOf(1), before, after }],
      }),
      { key, withinMs: 60_000 },
    )
  }

  it('folds presses on the same target into one step that undoes to where the run began', async () => {
    const store = fakeStore()
    const h = new EditHistory(store.executor)
    store.rows.set(1, snap(0, 'model'))
    for (let x = 1; x <= 10; x++) await nudge(h, store.rows, x, 'faces 1')
    expect(h.undoNames).toEqual(['Nudge face'])

    expect(await h.undo()).toBe('Nudge face')
    expect(store.rows.get(1)).toEqual(snap(0, 'model'))
    expect(await h.redo()).toBe('Nudge face')
    expect(store.rows.get(1)!.label.box.x).toBe(10)
  })

  it('starts a new step for another target and after an undo', async () => {
    const store = fakeStore()
    const h = new EditHistory(store.executor)
    store.rows.set(1, snap(0))
    await nudge(h, store.rows, 1, 'faces 1')
    await nudge(h, store.rows, 2, 'landmark 1:0')
    expect(h.undoNames).toHaveLength(2)

    await h.undo()
    await nudge(h, store.rows, 3, 'landmark 1:0')
    expect(h.undoNames).toHaveLength(2)
    await h.undo()
    expect(store.rows.get(1)!.label.box.x).toBe(1)
  })
})
