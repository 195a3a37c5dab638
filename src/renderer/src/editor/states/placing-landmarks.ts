import { LANDMARK_NAMES, type Landmark, type Visibility } from '@shared/face'
import { LANDMARK_LABELS } from '../../canvas/palette'
import type { EditorHost, EditorState } from '../types'
import { idle } from './idle'
import { panning } from './panning'

/**
 * Five clicks place the five landmarks of a face in the stored order, the next point's name
 * shown as a hint. Shift+click places an occluded point, S skips one (not annotated),
 * Backspace takes the last one back, Esc leaves the face as it was.
 */
export function placingLandmarks(host: EditorHost, faceId: number): EditorState {
  const face = host.face(faceId)
  if (!face) return idle(host)
  const placed: Landmark[] = []

  const show = () => {
    const rest = LANDMARK_NAMES.slice(placed.length).map(() => ({
      x: face.box.x,
      y: face.box.y,
      visibility: 'absent' as const,
    }))
    host.preview({ kind: 'face', faceId, box: face.box, landmarks: [...placed, ...rest] })
    const next = LANDMARK_LABELS[LANDMARK_NAMES[placed.length]]
    host.hint(
      `Click: ${next} (${placed.length + 1}/5) · Shift+click occluded · S skip · ` +
        'Backspace back · Esc cancel',
    )
  }

  const add = (point: Landmark): EditorState => {
    placed.push(point)
    if (placed.length < 5) {
      show()
      return state
    }
    host.commit({
      kind: 'change',
      faceId,
      name: 'Place landmarks',
      box: face.box,
      landmarks: placed,
    })
    return idle(host)
  }

  const state: EditorState = {
    name: 'placing-landmarks',
    enter: () => {
      host.select([faceId])
      host.cursor('crosshair')
      show()
    },
    pointerDown(input) {
      if (input.button !== 0 || host.spaceHeld()) return panning(host, input.screen, state)
      const visibility: Visibility = input.shift ? 'occluded' : 'visible'
      return add({ x: input.image.x, y: input.image.y, visibility })
    },
    pointerMove: () => state,
    key(input) {
      if (input.key === 's' || input.key === 'S') {
        const centre = { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 }
        return add({ ...centre, visibility: 'absent' })
      }
      if (input.key === 'Backspace') {
        placed.pop()
        show()
        return state
      }
      return null
    },
    cancel: () => idle(host),
  }
  return state
}
