import type { EditorHost, EditorState, Point } from '../types'

/**
 * The view follows the pointer. Panning interrupts nothing: when the button is released the
 * machine resumes the state it came from (placing landmarks keeps its points).
 */
export function panning(host: EditorHost, start: Point, resume: EditorState): EditorState {
  let last = start
  return {
    name: 'panning',
    enter: () => host.cursor('grabbing'),
    pointerMove(input) {
      host.pan(input.screen.x - last.x, input.screen.y - last.y)
      last = input.screen
      return this
    },
    pointerUp: () => resume,
    cancel: () => resume.cancel(),
  }
}
