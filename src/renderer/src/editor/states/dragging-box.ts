import { moveBox, moveLandmarks, resizeBox } from '../geometry'
import type {
  EditableFace,
  EditorHost,
  EditorState,
  FaceGeometry,
  Handle,
  PointerInput,
} from '../types'
import { idle } from './idle'

/** Movement below this many screen pixels is a click on the box, not a drag. */
const SLOP_PX = 2

/**
 * A box follows the pointer: `move` carries the whole face (box and landmarks, as one
 * object), and every other selected face with it, as one undo step; a handle resizes the box
 * alone. Deltas are taken from the press in image pixels, unrounded, so a drag at high zoom
 * moves by fractions of a pixel.
 */
export function draggingBox(
  host: EditorHost,
  faceId: number,
  handle: Handle | 'move',
  start: PointerInput,
): EditorState {
  const face = host.face(faceId)
  if (!face) return idle(host)
  if (handle === 'move') {
    const selected = host.selection().includes(faceId) ? host.selection() : [faceId]
    const faces = selected.map((id) => host.face(id)).filter((f) => f !== undefined)
    if (faces.length > 1) return movingFaces(host, faces, start)
  }
  let moved = false

  const geometry = (input: PointerInput) => {
    const dx = input.image.x - start.image.x
    const dy = input.image.y - start.image.y
    if (handle === 'move') {
      return { box: moveBox(face.box, dx, dy), landmarks: moveLandmarks(face.landmarks, dx, dy) }
    }
    return { box: resizeBox(face.box, handle, dx, dy), landmarks: face.landmarks }
  }

  return {
    name: 'dragging-box',
    pointerMove(input) {
      moved ||= beyondSlop(input, start)
      if (moved) host.preview({ kind: 'face', faceId, ...geometry(input) })
      return this
    },
    pointerUp(input) {
      if (moved) {
        const name = handle === 'move' ? 'Move face' : 'Resize box'
        host.commit({ kind: 'change', faceId, name, ...geometry(input) })
      }
      return idle(host)
    },
    cancel: () => idle(host),
  }
}

/** Several selected faces dragged together, committed as one step ("Move 3 faces"). */
function movingFaces(host: EditorHost, faces: EditableFace[], start: PointerInput): EditorState {
  let moved = false
  const geometry = (input: PointerInput): FaceGeometry[] => {
    const dx = input.image.x - start.image.x
    const dy = input.image.y - start.image.y
    return faces.map((f) => ({
      faceId: f.id,
      box: moveBox(f.box, dx, dy),
      landmarks: moveLandmarks(f.landmarks, dx, dy),
    }))
  }

  return {
    name: 'dragging-box',
    pointerMove(input) {
      moved ||= beyondSlop(input, start)
      if (moved) host.preview({ kind: 'faces', faces: geometry(input) })
      return this
    },
    pointerUp(input) {
      if (moved) {
        const name = `Move ${faces.length} faces`
        host.commit({ kind: 'changes', name, faces: geometry(input) })
      }
      return idle(host)
    },
    cancel: () => idle(host),
  }
}

function beyondSlop(input: PointerInput, start: PointerInput): boolean {
  return (
    Math.abs(input.screen.x - start.screen.x) > SLOP_PX ||
    Math.abs(input.screen.y - start.screen.y) > SLOP_PX
  )
}
