import { describe, expect, it } from 'vitest'

import { EditorMachine } from '../../src/renderer/src/editor/machine'
import type { EditableFace } from '../../src/renderer/src/editor/types'
import { face, fakeHost } from './host'

describe('when the pointer goes down on empty space', () => {
  it('draws a box corner to corner, whichever way the drag went, in unrounded image pixels', () => {
    const { host, state, at } = fakeHost()
    const m = new EditorMachine(host)
    m.pointerDown(at(100.25, 80.5))
    expect(m.state).toBe('drawing-box')
    m.pointerMove(at(90, 70))
    expect(state.preview).toEqual({
      kind: 'draft',
      box: { x: 90, y: 70, width: 10.25, height: 10.5 },
    })
    m.pointerUp(at(60.75, 40.125))
    expect(state.commits).toEqual([
      { kind: 'create', box: { x: 60.75, y: 40.125, width: 39.5, height: 40.375 }, landmarks: [] },
    ])
    expect(m.state).toBe('idle')
    expect(state.preview).toBeNull()
  })

  it('treats a click without a drag as clearing the selection, creating nothing', () => {
    const { host, state, at } = fakeHost()
    state.selection = [3]
    const m = new EditorMachine(host)
    m.pointerDown(at(100, 100))
    m.pointerUp(at(100.5, 100.5))
    expect(state.commits).toEqual([])
    expect(state.selection).toEqual([])
  })

  it('selects an area with Shift held', () => {
    const { host, state, at } = fakeHost([
      face(1),
      { ...face(2), box: { x: 200, y: 10, width: 5, height: 5 } },
    ])
    const m = new EditorMachine(host)
    m.pointerDown(at(0, 0, { shift: true }))
    expect(m.state).toBe('selecting-area')
    m.pointerUp(at(100, 100, { shift: true }))
    expect(state.selection).toEqual([1])
  })
})

describe('when a face is dragged', () => {
  it('moves the box and its landmarks together as one named step', () => {
    const { host, state, at } = fakeHost([face()])
    const m = new EditorMachine(host)
    m.pointerDown(at(15, 45))
    expect(state.selection).toEqual([1])
    m.pointerMove(at(17.5, 46))
    m.pointerUp(at(17.5, 46))
    const [change] = state.commits
    expect(change).toMatchObject({ kind: 'change', faceId: 1, name: 'Move face' })
    if (change.kind !== 'change') throw new Error('expected a change')
    expect(change.box).toEqual({ x: 12.5, y: 11, width: 40, height: 40 })
    expect(change.landmarks[0]).toEqual({ x: 22.5, y: 23, visibility: 'visible' })
  })

  it('moves every selected face by the same delta, as one step named after the count', () => {
    const shifted = (id: number, dx: number): EditableFace => {
      const f = face(id)
      return {
        id,
        box: { ...f.box, x: f.box.x + dx },
        landmarks: f.landmarks.map((p) => ({ ...p, x: p.x + dx })),
      }
    }
    const { host, state, at } = fakeHost([face(1), shifted(2, 100), shifted(3, 200)])
    state.selection = [1, 2, 3]
    const m = new EditorMachine(host)
    m.pointerDown(at(115, 45))
    expect(state.selection, 'pressing a selected face keeps the selection').toEqual([1, 2, 3])
    m.pointerMove(at(118, 41))
    expect(state.preview).toMatchObject({ kind: 'faces' })
    m.pointerUp(at(118, 41))

    expect(state.commits).toHaveLength(1)
    const [change] = state.commits
    if (change.kind !== 'changes') throw new Error('expected one change of several faces')
    expect(change.name).toBe('Move 3 faces')
    expect(change.faces.map((f) => [f.faceId, f.box.x, f.box.y])).toEqual([
      [1, 13, 6],
      [2, 113, 6],
      [3, 213, 6],
    ])
    expect(change.faces[2].landmarks[0]).toEqual({ x: 223, y: 18, visibility: 'visible' })
  })

  it('resizes by a handle and leaves the landmarks where they are', () => {
    const { host, state, at } = fakeHost([face()])
    state.selection = [1]
    const m = new EditorMachine(host)
    m.pointerDown(at(50, 50))
    expect(m.state).toBe('dragging-box')
    m.pointerMove(at(60.25, 55))
    m.pointerUp(at(60.25, 55))
    expect(state.commits[0]).toMatchObject({
      name: 'Resize box',
      box: { x: 10, y: 10, width: 50.25, height: 45 },
      landmarks: face().landmarks,
    })
  })

  it('commits nothing for a click on a box', () => {
    const { host, state, at } = fakeHost([face()])
    const m = new EditorMachine(host)
    m.pointerDown(at(15, 45))
    m.pointerUp(at(15, 45))
    expect(state.commits).toEqual([])
    expect(state.selection).toEqual([1])
  })

  it('drags one landmark by the pointer delta, and makes an unannotated point visible', () => {
    const f = face()
    f.landmarks[2] = { x: 30, y: 30, visibility: 'occluded' }
    const { host, state, at } = fakeHost([f])
    const m = new EditorMachine(host)
    m.pointerDown(at(31, 31))
    expect(m.state).toBe('dragging-landmark')
    expect(state.active).toBe(2)
    m.pointerMove(at(33.5, 30))
    m.pointerUp(at(33.5, 30))
    const change = state.commits[0]
    if (change.kind !== 'change') throw new Error('expected a change')
    expect(change.name).toBe('Move nose')
    expect(change.landmarks[2]).toEqual({ x: 32.5, y: 29, visibility: 'occluded' })
    expect(change.landmarks[0]).toEqual(f.landmarks[0])
  })

  it('drops the gesture on cancel and commits nothing', () => {
    const { host, state, at } = fakeHost([face()])
    const m = new EditorMachine(host)
    m.pointerDown(at(15, 45))
    m.pointerMove(at(30, 60))
    m.cancel()
    expect(m.state).toBe('idle')
    m.pointerUp(at(30, 60))
    expect(state.commits).toEqual([])
    expect(state.preview).toBeNull()
  })
})

describe('when placing five landmarks', () => {
  it('takes five clicks in order, names the next point, and supports skip and back', () => {
    const { host, state, at } = fakeHost([{ ...face(), landmarks: [] }])
    const m = new EditorMachine(host)
    expect(m.startPlacing(1)).toBe(true)
    expect(state.hints.at(-1)).toContain('Eye (image-left) (1/5)')
    m.pointerDown(at(20, 20))
    m.pointerDown(at(99, 99))
    expect(m.key({ key: 'Backspace', shift: false, ctrl: false, alt: false })).toBe(true)
    expect(state.hints.at(-1)).toContain('(2/5)')
    m.pointerDown(at(40, 20))
    expect(state.hints.at(-1)).toContain('Nose (3/5)')
    m.key({ key: 's', shift: false, ctrl: false, alt: false })
    m.pointerDown(at(22, 40, { shift: true }))
    m.pointerDown(at(38, 40))
    expect(m.state).toBe('idle')
    const change = state.commits[0]
    if (change.kind !== 'change') throw new Error('expected a change')
    expect(change.name).toBe('Place landmarks')
    expect(change.landmarks.map((p) => p.visibility)).toEqual([
      'visible',
      'visible',
      'absent',
      'occluded',
      'visible',
    ])
    expect(change.landmarks[1]).toEqual({ x: 40, y: 20, visibility: 'visible' })
  })

  it('keeps its points through a pan and leaves the face untouched on Esc', () => {
    const { host, state, at } = fakeHost([face()])
    const m = new EditorMachine(host)
    m.startPlacing(1)
    m.pointerDown(at(20, 20))
    m.pointerDown(at(0, 0, { button: 2 }))
    expect(m.state).toBe('panning')
    m.pointerMove(at(5, 0, { button: 2 }))
    m.pointerUp(at(5, 0, { button: 2 }))
    expect(m.state).toBe('placing-landmarks')
    expect(state.panned).toEqual({ x: 10, y: 0 })
    expect(state.hints.at(-1)).toContain('(2/5)')
    m.cancel()
    expect(m.state).toBe('idle')
    expect(state.commits).toEqual([])
  })
})

describe('when a mode is requested', () => {
  it('is refused while a gesture is in progress', () => {
    const { host, at } = fakeHost([face()])
    const m = new EditorMachine(host)
    m.pointerDown(at(100, 100))
    expect(m.busy).toBe(true)
    expect(m.startDrawing()).toBe(false)
    expect(m.startPlacing(1)).toBe(false)
  })

  it('draws over an existing face once B armed it', () => {
    const { host, state, at } = fakeHost([face()])
    const m = new EditorMachine(host)
    m.startDrawing()
    m.pointerDown(at(20, 20))
    expect(m.state).toBe('drawing-box')
    m.pointerUp(at(30, 30))
    expect(state.commits[0]).toMatchObject({ kind: 'create', box: { x: 20, y: 20, width: 10 } })
  })

  it('pans with the space bar held, from anywhere', () => {
    const { host, state, at } = fakeHost([face()])
    state.space = true
    const m = new EditorMachine(host)
    m.pointerDown(at(15, 45))
    expect(m.state).toBe('panning')
    m.pointerMove(at(16, 46))
    expect(state.panned).toEqual({ x: 2, y: 2 })
  })
})
