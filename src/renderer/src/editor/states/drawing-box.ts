import { boxFromCorners } from '../geometry'
import type { EditorHost, EditorState, PointerInput } from '../types'
import { idle } from './idle'
import { panning } from './panning'

/** A drag shorter than this many screen pixels is a click (it clears the selection). */
const MIN_DRAG_PX = 3

/**
 * `B` was pressed: the next press draws a box even on top of other faces, which in a crowd
 * is the only way to start a box where every pixel belongs to some face already.
 */
export function drawArmed(host: EditorHost): EditorState {
  const state: EditorState = {
    name: 'draw-armed',
    enter: () => {
      host.hint('Drag to draw a face box (Esc cancels)')
      host.cursor('crosshair')
    },
    pointerDown: (input) =>
      input.button !== 0 || host.spaceHeld()
        ? panning(host, input.screen, state)
        : drawingBox(host, input),
    cancel: () => idle(host),
  }
  return state
}

/** The pointer is down and a new face box follows it; release creates the face. */
export function drawingBox(host: EditorHost, start: PointerInput): EditorState {
  const box = (input: PointerInput) => boxFromCorners(start.image, input.image)

  return {
    name: 'drawing-box',
    enter: () => host.preview({ kind: 'draft', box: box(start) }),
    pointerMove(input) {
      host.preview({ kind: 'draft', box: box(input) })
      return this
    },
    pointerUp(input) {
      const dx = Math.abs(input.screen.x - start.screen.x)
      const dy = Math.abs(input.screen.y - start.screen.y)
      if (dx < MIN_DRAG_PX || dy < MIN_DRAG_PX) host.select([])
      else host.commit({ kind: 'create', box: box(input), landmarks: [] })
      return idle(host)
    },
    cancel: () => idle(host),
  }
}
