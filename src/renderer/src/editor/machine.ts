import { drawArmed } from './states/drawing-box'
import { idle } from './states/idle'
import { placingLandmarks } from './states/placing-landmarks'
import type { EditorHost, EditorState, KeyInput, PointerInput, StateName } from './types'

/** States in which a gesture is under way; starting a new mode is refused in them. */
const BUSY: ReadonlySet<StateName> = new Set([
  'drawing-box',
  'dragging-box',
  'dragging-landmark',
  'selecting-area',
  'panning',
])

/**
 * The editing interaction as an explicit state machine, one file per state under states/.
 * It is plain TypeScript: input arrives as already-converted pointer and key records, and
 * everything it does goes through the {@link EditorHost}, so it runs under unit tests with no
 * DOM. Cancel always returns to idle; a new mode is refused while a gesture is in progress.
 */
export class EditorMachine {
  private current: EditorState

  constructor(private readonly host: EditorHost) {
    this.current = idle(host)
    this.current.enter?.()
  }

  /** The current state's name. */
  get state(): StateName {
    return this.current.name
  }

  /** True while a drag or draw is under way. */
  get busy(): boolean {
    return BUSY.has(this.current.name)
  }

  pointerDown(input: PointerInput): void {
    this.go(this.current.pointerDown?.(input))
  }

  pointerMove(input: PointerInput): void {
    this.go(this.current.pointerMove?.(input))
  }

  pointerUp(input: PointerInput): void {
    this.go(this.current.pointerUp?.(input))
  }

  /** Offers a key to the current state; true when the state used it. */
  key(input: KeyInput): boolean {
    const next = this.current.key?.(input)
    if (!next) return false
    this.go(next)
    return true
  }

  /** Esc or an interruption (image switch, window blur): back to idle, nothing committed. */
  cancel(): void {
    this.go(this.current.cancel())
  }

  /** Arms box drawing for the next press (the `B` key); false while busy. */
  startDrawing(): boolean {
    return this.start(() => drawArmed(this.host))
  }

  /** Starts placing the five landmarks of a face with five clicks; false while busy. */
  startPlacing(faceId: number): boolean {
    return this.start(() => placingLandmarks(this.host, faceId))
  }

  private start(make: () => EditorState): boolean {
    if (this.busy) return false
    this.go(make())
    return true
  }

  private go(next: EditorState | undefined): void {
    if (!next || next === this.current) return
    this.current = next
    next.enter?.()
  }
}
