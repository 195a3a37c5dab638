import { DEFAULT_ATTRIBUTES } from '../../shared/face'
import type { ExportItem, WriteStats } from './export-writers'

type Carried = 'landmarks' | 'visibility' | 'attributes' | 'quality' | 'identity' | 'score'

/** What each format keeps of a face record (docs/formats.md 2.1–2.7). */
const CARRIES: Record<string, readonly Carried[]> = {
  wider: ['attributes'],
  retinaface: ['landmarks', 'visibility', 'quality'],
  'wider-predictions': ['score'],
  coco: ['landmarks', 'visibility', 'attributes', 'quality', 'identity', 'score'],
  labelme: ['landmarks', 'visibility', 'attributes', 'quality', 'identity', 'score'],
  'yolo-face': ['landmarks'],
  'yolo-pose': ['landmarks', 'visibility'],
  // Crops keep the picture, not the labels; only faces that cannot be aligned are a loss.
  aligned: ['landmarks', 'visibility', 'attributes', 'quality', 'identity', 'score'],
}

/**
 * Sentences saying what the export could not carry or had to change, with counts, so a user
 * never learns about a loss from a training run.
 */
export function describeLosses(format: string, items: ExportItem[], stats: WriteStats): string[] {
  const faces = items.flatMap((item) => item.faces)
  const carries = new Set(CARRIES[format] ?? [])
  const count = (test: (f: (typeof faces)[number]) => boolean) => faces.filter(test).length
  const notes: string[] = []
  const lost = (what: Carried, n: number, text: string) => {
    if (!carries.has(what) && n > 0) notes.push(`${n} faces ${text}; ${format} cannot carry it`)
  }

  lost(
    'landmarks',
    count((f) => f.landmarks.length > 0),
    'have landmarks',
  )
  lost(
    'attributes',
    count((f) => !sameAttributes(f.attributes)),
    'have WIDER attributes',
  )
  lost(
    'quality',
    count((f) => f.quality !== null),
    'have a quality value',
  )
  lost(
    'identity',
    count((f) => !!f.identity),
    'have an identity',
  )
  lost(
    'score',
    count((f) => f.score !== null),
    'have a detector score',
  )

  if (stats.clipped)
    notes.push(`${stats.clipped} boxes clipped to the image, as ${format} requires`)
  if (stats.droppedBoxes)
    notes.push(`${stats.droppedBoxes} boxes wholly outside the image left out`)
  if (stats.pointsDropped)
    notes.push(`${stats.pointsDropped} points ${format} cannot place written as missing`)
  if (stats.occludedAsVisible) {
    notes.push(
      `${stats.occludedAsVisible} occluded points written as plain points (no visibility in ${format})`,
    )
  }
  if (stats.unsized) notes.push(`${stats.unsized} images without a readable size`)
  if (stats.missingImages) notes.push(`${stats.missingImages} images not on disk, not copied`)
  if (stats.unalignable) notes.push(`${stats.unalignable} faces without five landmarks not aligned`)
  return notes
}

function sameAttributes(a: typeof DEFAULT_ATTRIBUTES): boolean {
  return (Object.keys(DEFAULT_ATTRIBUTES) as (keyof typeof a)[]).every(
    (k) => a[k] === DEFAULT_ATTRIBUTES[k],
  )
}
