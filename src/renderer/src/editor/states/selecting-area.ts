import { boxFromCorners } from '../geometry'
import type { EditorHost, EditorState, PointerInput } from '../types'
import { idle } from './idle'

/** Shift-drag on empty space: every face whose box lies inside the area joins the selection. */
export function selectingArea(host: EditorHost, start: PointerInput): EditorState {
  const area = (input: PointerInput) => boxFromCorners(start.image, input.image)
  return {
    name: 'selecting-area',
    pointerMove(input) {
      host.preview({ kind: 'area', box: area(input) })
      return this
    },
    pointerUp(input) {
      const inside = host.facesIn(area(input))
      host.select([...new Set([...host.selection(), ...inside])])
      return idle(host)
    },
    cancel: () => idle(host),
  }
}
