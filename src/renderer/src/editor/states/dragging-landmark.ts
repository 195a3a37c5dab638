import { LANDMARK_NAMES } from '@shared/face'
import type { EditorHost, EditorState, PointerInput } from '../types'
import { idle } from './idle'

/**
 * One landmark follows the pointer. The point keys off the press position plus the drag
 * delta, not the pointer itself, so grabbing a point slightly off-centre does not make it
 * jump. A point that was "not annotated" becomes visible once placed.
 */
export function draggingLandmark(
  host: EditorHost,
  faceId: number,
  index: number,
  start: PointerInput,
): EditorState {
  const face = host.face(faceId)
  if (!face || face.landmarks.length !== 5) return idle(host)
  const origin = face.landmarks[index]
  let moved = false

  const landmarks = (input: PointerInput) =>
    face.landmarks.map((p, i) =>
      i !== index
        ? p
        : {
            x: origin.x + input.image.x - start.image.x,
            y: origin.y + input.image.y - start.image.y,
            visibility: p.visibility === 'absent' ? ('visible' as const) : p.visibility,
          },
    )

  return {
    name: 'dragging-landmark',
    enter: () => host.cursor('grabbing'),
    pointerMove(input) {
      moved ||= input.screen.x !== start.screen.x || input.screen.y !== start.screen.y
      if (moved) host.preview({ kind: 'face', faceId, box: face.box, landmarks: landmarks(input) })
      return this
    },
    pointerUp(input) {
      if (moved) {
        const name = `Move ${LANDMARK_NAMES[index].replace('_', ' ')}`
        host.commit({ kind: 'change', faceId, name, box: face.box, landmarks: landmarks(input) })
      }
      return idle(host)
    },
    cancel: () => idle(host),
  }
}
