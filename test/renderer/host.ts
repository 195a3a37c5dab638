import type { Box, Landmark } from '../../src/shared/face'
import type {
  EditRequest,
  EditableFace,
  EditorHost,
  Hit,
  Point,
  PointerInput,
  Preview,
} from '../../src/renderer/src/editor/types'

/**
 * A plain-object host for the editing machine: one view transform (scale 2, no offset), a
 * list of faces, and a record of everything the machine asked for.
 */
export function fakeHost(faces: EditableFace[] = []) {
  const scale = 2
  const state = {
    faces,
    selection: [] as number[],
    active: null as number | null,
    preview: null as Preview | null,
    commits: [] as EditRequest[],
    hints: [] as (string | null)[],
    panned: { x: 0, y: 0 },
    space: false,
  }

  const screenOf = (p: Point) => ({ x: p.x * scale, y: p.y * scale })
  const near = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y) <= 6

  const host: EditorHost = {
    hitTest(screen): Hit {
      for (const face of state.faces) {
        const index = face.landmarks.findIndex(
          (p) => p.visibility !== 'absent' && near(screenOf(p), screen),
        )
        if (index >= 0) return { kind: 'landmark', faceId: face.id, index }
        const corner = screenOf({ x: face.box.x + face.box.width, y: face.box.y + face.box.height })
        if (state.selection.includes(face.id) && near(corner, screen)) {
          return { kind: 'handle', faceId: face.id, handle: 'se' }
        }
      }
      const inside = state.faces.find((f) => {
        const x = screen.x / scale
        const y = screen.y / scale
        return (
          x >= f.box.x && x <= f.box.x + f.box.width && y >= f.box.y && y <= f.box.y + f.box.height
        )
      })
      return inside ? { kind: 'box', faceId: inside.id } : { kind: 'none' }
    },
    face: (id) => state.faces.find((f) => f.id === id),
    selection: () => state.selection,
    select: (ids, active = null) => {
      state.selection = ids
      state.active = active
    },
    facesIn: (area: Box) =>
      state.faces
        .filter((f) => f.box.x >= area.x && f.box.x + f.box.width <= area.x + area.width)
        .map((f) => f.id),
    preview: (p) => (state.preview = p),
    pan: (dx, dy) => {
      state.panned.x += dx
      state.panned.y += dy
    },
    commit: (r) => state.commits.push(r),
    hint: (t) => state.hints.push(t),
    cursor: () => undefined,
    spaceHeld: () => state.space,
  }

  /** A pointer event at an image point. */
  const at = (x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput => ({
    image: { x, y },
    screen: { x: x * scale, y: y * scale },
    button: 0,
    shift: false,
    ctrl: false,
    alt: false,
    ...extra,
  })

  return { host, state, at }
}

/** Five visible points inside a box at (10, 10) of size 40. */
export function fivePoints(): Landmark[] {
  return [
    { x: 20, y: 22, visibility: 'visible' },
    { x: 40, y: 22, visibility: 'visible' },
    { x: 30, y: 30, visibility: 'visible' },
    { x: 22, y: 40, visibility: 'visible' },
    { x: 38, y: 40, visibility: 'visible' },
  ]
}

export function face(id = 1): EditableFace {
  return { id, box: { x: 10, y: 10, width: 40, height: 40 }, landmarks: fivePoints() }
}
