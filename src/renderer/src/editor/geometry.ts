import { FLIP_INDEX, LANDMARK_NAMES, type Box, type Landmark } from '@shared/face'
import type { Handle, Point } from './types'

/** Smallest box side a resize may leave, in image pixels (WIDER has 2 px faces). */
export const MIN_BOX_SIDE = 0.5

/** The box spanned by two corners, whichever way the drag went. */
export function boxFromCorners(a: Point, b: Point): Box {
  return {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    width: Math.abs(a.x - b.x),
    height: Math.abs(a.y - b.y),
  }
}

/** A box moved by a delta in image pixels. */
export function moveBox(box: Box, dx: number, dy: number): Box {
  return { ...box, x: box.x + dx, y: box.y + dy }
}

/** Landmarks moved with their box; points without a position stay where they are. */
export function moveLandmarks(points: Landmark[], dx: number, dy: number): Landmark[] {
  return points.map((p) => (p.visibility === 'absent' ? p : { ...p, x: p.x + dx, y: p.y + dy }))
}

/**
 * A box with one handle dragged by a delta. The opposite edges stay put; an edge dragged past
 * its opposite stops at {@link MIN_BOX_SIDE} rather than flipping the box inside out.
 */
export function resizeBox(box: Box, handle: Handle, dx: number, dy: number): Box {
  let left = box.x
  let top = box.y
  let right = box.x + box.width
  let bottom = box.y + box.height

  if (handle.includes('w')) left = Math.min(left + dx, right - MIN_BOX_SIDE)
  if (handle.includes('e')) right = Math.max(right + dx, left + MIN_BOX_SIDE)
  if (handle.includes('n')) top = Math.min(top + dy, bottom - MIN_BOX_SIDE)
  if (handle.includes('s')) bottom = Math.max(bottom + dy, top + MIN_BOX_SIDE)
  return { x: left, y: top, width: right - left, height: bottom - top }
}

/** Where each handle sits on a box. */
export function handlePoint(box: Box, handle: Handle): Point {
  const x = handle.includes('w')
    ? box.x
    : handle.includes('e')
      ? box.x + box.width
      : box.x + box.width / 2
  const y = handle.includes('n')
    ? box.y
    : handle.includes('s')
      ? box.y + box.height
      : box.y + box.height / 2
  return { x, y }
}

export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w']

/** CSS cursor for each handle. */
export const HANDLE_CURSORS: Record<Handle, string> = {
  nw: 'nwse-resize',
  se: 'nwse-resize',
  ne: 'nesw-resize',
  sw: 'nesw-resize',
  n: 'ns-resize',
  s: 'ns-resize',
  e: 'ew-resize',
  w: 'ew-resize',
}

/**
 * Left and right points traded (eyes, mouth corners), positions kept: the fix for a face whose
 * points were labelled mirror-wise. Visibilities travel with their points.
 */
export function swapLeftRight(points: Landmark[]): Landmark[] {
  if (points.length !== 5) return points
  return FLIP_INDEX.map((from) => ({ ...points[from] }))
}

/** The next visibility in the cycle visible → occluded → absent → visible. */
export function nextVisibility(v: Landmark['visibility']): Landmark['visibility'] {
  return v === 'visible' ? 'occluded' : v === 'occluded' ? 'absent' : 'visible'
}

/** Five absent points, for a face drawn without landmarks that gets one set. */
export function absentLandmarks(box: Box): Landmark[] {
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  return LANDMARK_NAMES.map(() => ({ x: cx, y: cy, visibility: 'absent' as const }))
}

/** Why a face's geometry looks wrong, in words; empty when it looks plausible. */
export type GeometryWarning = 'eyes-below-mouth' | 'outside-box' | 'left-right-crossed'

export const WARNING_TEXT: Record<GeometryWarning, string> = {
  'eyes-below-mouth': 'Eyes below the mouth',
  'outside-box': 'A landmark lies outside the box',
  'left-right-crossed': 'Left and right points are crossed',
}

/**
 * Plausibility checks on a face's landmarks. Points without a position are skipped, and a
 * landmark may stray a little outside the box (10% of its size) before it counts, since
 * detector boxes are tight around the chin and brow.
 */
export function faceWarnings(box: Box, points: Landmark[]): GeometryWarning[] {
  if (points.length !== 5) return []
  const at = (i: number) => (points[i].visibility === 'absent' ? null : points[i])
  const warnings: GeometryWarning[] = []
  const [le, re, , lm, rm] = [0, 1, 2, 3, 4].map(at)

  const eyes = [le, re].filter((p) => p !== null)
  const mouth = [lm, rm].filter((p) => p !== null)
  if (eyes.length && mouth.length) {
    const eyeY = eyes.reduce((s, p) => s + p.y, 0) / eyes.length
    const mouthY = mouth.reduce((s, p) => s + p.y, 0) / mouth.length
    if (eyeY > mouthY) warnings.push('eyes-below-mouth')
  }

  const slackX = box.width * 0.1
  const slackY = box.height * 0.1
  const outside = points.some(
    (p) =>
      p.visibility !== 'absent' &&
      (p.x < box.x - slackX ||
        p.x > box.x + box.width + slackX ||
        p.y < box.y - slackY ||
        p.y > box.y + box.height + slackY),
  )
  if (outside) warnings.push('outside-box')

  // Image-left first: the stored left point must have the smaller x.
  if ((le && re && le.x > re.x) || (lm && rm && lm.x > rm.x)) warnings.push('left-right-crossed')
  return warnings
}
