import { describe, expect, it } from 'vitest'

import {
  faceWarnings,
  nextVisibility,
  resizeBox,
  swapLeftRight,
} from '../../src/renderer/src/editor/geometry'
import { matchShortcut, SHORTCUTS } from '../../src/renderer/src/editor/shortcuts'
import { fivePoints } from './host'

const box = { x: 10, y: 10, width: 40, height: 40 }

describe('when a box is resized past its opposite edge', () => {
  it('stops at the minimum side instead of turning inside out', () => {
    expect(resizeBox(box, 'w', 100, 0)).toEqual({ x: 49.5, y: 10, width: 0.5, height: 40 })
    expect(resizeBox(box, 'se', 0.25, -0.5)).toEqual({ x: 10, y: 10, width: 40.25, height: 39.5 })
  })
})

describe('when checking landmark geometry', () => {
  it('finds nothing wrong with a plausible face', () => {
    expect(faceWarnings(box, fivePoints())).toEqual([])
  })

  it('warns when left and right are crossed, and a swap fixes it', () => {
    const crossed = swapLeftRight(fivePoints())
    expect(faceWarnings(box, crossed)).toEqual(['left-right-crossed'])
    expect(swapLeftRight(crossed)).toEqual(fivePoints())
  })

  it('warns on eyes below the mouth and on a point far outside the box', () => {
    const points = fivePoints()
    const flipped = points.map((p) => ({ ...p, y: 60 - p.y }))
    expect(faceWarnings(box, flipped)).toContain('eyes-below-mouth')
    points[2] = { x: 80, y: 30, visibility: 'visible' }
    expect(faceWarnings(box, points)).toEqual(['outside-box'])
  })

  it('ignores points that are not annotated', () => {
    const points = fivePoints()
    points[0] = { x: 500, y: 500, visibility: 'absent' }
    expect(faceWarnings(box, points)).toEqual([])
  })

  it('cycles visibility visible → occluded → absent → visible', () => {
    expect(nextVisibility('visible')).toBe('occluded')
    expect(nextVisibility('occluded')).toBe('absent')
    expect(nextVisibility('absent')).toBe('visible')
  })
})

describe('when a key is pressed', () => {
  const key = (k: string, mods: Partial<{ ctrl: boolean; shift: boolean; alt: boolean }> = {}) =>
    matchShortcut({
      key: k,
      ctrlKey: !!mods.ctrl,
      metaKey: false,
      shiftKey: !!mods.shift,
      altKey: !!mods.alt,
    })

  it('maps chords to actions, modifiers included', () => {
    expect(key('z', { ctrl: true })).toBe('undo')
    expect(key('Z', { ctrl: true, shift: true })).toBe('redo')
    expect(key('b')).toBe('draw-box')
    expect(key('B', { shift: true })).toBe('blur')
    expect(key('ArrowLeft', { alt: true })).toBe('nudge-left')
    expect(key('ArrowDown')).toBe('next-image')
    expect(key('q')).toBeUndefined()
  })

  it('has no chord bound to two actions', () => {
    const seen = new Map<string, string>()
    for (const s of SHORTCUTS) {
      for (const c of s.chords) {
        const id = `${c.key.toLowerCase()}|${!!c.ctrl}|${!!c.shift}|${!!c.alt}`
        expect(seen.get(id), id).toBeUndefined()
        seen.set(id, s.action)
      }
    }
  })
})
