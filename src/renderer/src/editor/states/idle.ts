import { HANDLE_CURSORS } from '../geometry'
import type { EditorHost, EditorState, Hit } from '../types'
import { drawingBox } from './drawing-box'
import { draggingBox } from './dragging-box'
import { draggingLandmark } from './dragging-landmark'
import { panning } from './panning'
import { selectingArea } from './selecting-area'

/**
 * Nothing in progress. A press decides the gesture from what lies under the pointer:
 * a landmark drags the point, a handle resizes, a box moves (Shift toggles it in the
 * selection instead), empty space draws a new box (Shift: selects an area). The middle or
 * secondary button, or the space bar held, pans from anywhere.
 */
export function idle(host: EditorHost): EditorState {
  const state: EditorState = {
    name: 'idle',
    enter() {
      host.preview(null)
      host.hint(null)
    },
    pointerDown(input) {
      if (input.button !== 0 || host.spaceHeld()) return panning(host, input.screen, state)
      const hit = host.hitTest(input.screen)

      if (hit.kind === 'none') {
        return input.shift ? selectingArea(host, input) : drawingBox(host, input)
      }
      if (input.shift) {
        const selection = host.selection()
        const next = selection.includes(hit.faceId)
          ? selection.filter((id) => id !== hit.faceId)
          : [...selection, hit.faceId]
        host.select(next)
        return state
      }
      if (hit.kind === 'landmark') {
        host.select([hit.faceId], hit.index)
        return draggingLandmark(host, hit.faceId, hit.index, input)
      }
      if (!host.selection().includes(hit.faceId)) host.select([hit.faceId])
      return draggingBox(host, hit.faceId, hit.kind === 'handle' ? hit.handle : 'move', input)
    },
    pointerMove(input) {
      host.cursor(host.spaceHeld() ? 'grab' : cursorFor(host.hitTest(input.screen)))
      return state
    },
    cancel: () => state,
  }
  return state
}

function cursorFor(hit: Hit): string {
  if (hit.kind === 'handle') return HANDLE_CURSORS[hit.handle]
  if (hit.kind === 'landmark') return 'pointer'
  if (hit.kind === 'box') return 'move'
  return 'crosshair'
}
