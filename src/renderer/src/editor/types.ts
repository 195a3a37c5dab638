import type { Box, Landmark } from '@shared/face'

/** A point in image pixels (upright, full size) or in canvas CSS pixels, as the name says. */
export interface Point {
  x: number
  y: number
}

/** The eight resize handles of a box, by compass direction. */
export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w'

/** What lies under the pointer, best candidate first (see the canvas hit test). */
export type Hit =
  | { kind: 'handle'; faceId: number; handle: Handle }
  | { kind: 'landmark'; faceId: number; index: number }
  | { kind: 'box'; faceId: number }
  | { kind: 'none' }

/** One pointer event as the machine sees it: both coordinate spaces plus modifiers. */
export interface PointerInput {
  image: Point
  screen: Point
  /** 0 main, 1 middle, 2 secondary (DOM numbering). */
  button: number
  shift: boolean
  ctrl: boolean
  alt: boolean
}

/** A key as the machine sees it; only states that care (placing landmarks) read keys. */
export interface KeyInput {
  key: string
  shift: boolean
  ctrl: boolean
  alt: boolean
}

/** A face's new geometry, by id: what a gesture shows and then commits. */
export interface FaceGeometry {
  faceId: number
  box: Box
  landmarks: Landmark[]
}

/** The face being edited as the canvas should show it while a gesture is in progress. */
export type Preview =
  | ({ kind: 'face' } & FaceGeometry)
  | { kind: 'faces'; faces: FaceGeometry[] }
  | { kind: 'draft'; box: Box }
  | { kind: 'area'; box: Box }

/** The geometry of a face the machine reads and changes. */
export interface EditableFace {
  id: number
  box: Box
  landmarks: Landmark[]
}

/** A named change the machine asks the host to persist (one undo step each). */
export type EditRequest =
  | { kind: 'create'; box: Box; landmarks: Landmark[] }
  | { kind: 'change'; faceId: number; name: string; box: Box; landmarks: Landmark[] }
  | { kind: 'changes'; name: string; faces: FaceGeometry[] }

/**
 * Everything the machine needs from its surroundings. The Vue binding implements it with the
 * canvas engine and the annotation store; tests implement it with plain objects.
 */
export interface EditorHost {
  hitTest(screen: Point): Hit
  face(id: number): EditableFace | undefined
  selection(): readonly number[]
  select(ids: number[], activeLandmark?: number | null): void
  /** Faces whose box lies inside `area` (image pixels), for rubber-band selection. */
  facesIn(area: Box): number[]
  preview(preview: Preview | null): void
  /** Moves the view by a screen-pixel delta. */
  pan(dx: number, dy: number): void
  commit(request: EditRequest): void
  /** A hint line for the annotator ("Click the nose (3/5)"), or null. */
  hint(text: string | null): void
  /** The pointer shape for what lies under it. */
  cursor(cursor: string): void
  /** True while the space bar is held: a drag then pans, whatever is under the pointer. */
  spaceHeld(): boolean
}

/** The names of the machine's states, one file each under states/. */
export type StateName =
  | 'idle'
  | 'draw-armed'
  | 'drawing-box'
  | 'dragging-box'
  | 'dragging-landmark'
  | 'placing-landmarks'
  | 'selecting-area'
  | 'panning'

/**
 * One state of the editing machine. Every handler returns the state to be in next (itself to
 * stay); `cancel` must always lead back to idle without committing anything.
 */
export interface EditorState {
  readonly name: StateName
  pointerDown?(input: PointerInput): EditorState
  pointerMove?(input: PointerInput): EditorState
  pointerUp?(input: PointerInput): EditorState
  /** Returns the next state, or null when the key is not this state's business. */
  key?(input: KeyInput): EditorState | null
  cancel(): EditorState
  /** Runs once when the machine enters this state. */
  enter?(): void
}
