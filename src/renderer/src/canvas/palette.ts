import { LANDMARK_NAMES, type LandmarkName } from '@shared/face'
import type { FaceSource } from '@shared/records'

/**
 * One colour per landmark, in LANDMARK_NAMES order, picked to stay apart from each other and
 * from the box colours on typical photos. The legend reads the same table.
 */
export const LANDMARK_COLORS: Record<LandmarkName, string> = {
  left_eye: '#ff3b30',
  right_eye: '#ffcc00',
  nose: '#34c759',
  left_mouth: '#af52de',
  right_mouth: '#ff2d92',
}

/** Human-readable names for the legend; "left" is image-left, as in the stored order. */
export const LANDMARK_LABELS: Record<LandmarkName, string> = {
  left_eye: 'Eye (image-left)',
  right_eye: 'Eye (image-right)',
  nose: 'Nose',
  left_mouth: 'Mouth (image-left)',
  right_mouth: 'Mouth (image-right)',
}

/** Box colour by provenance: untouched proposals look different from checked faces. */
export const BOX_COLORS: Record<FaceSource, string> = {
  model: '#00e5ff',
  human: '#7cfc00',
  import: '#ff9f0a',
}

/** The colour of landmark `index`; white for an index past the five. */
export function landmarkColor(index: number): string {
  return LANDMARK_COLORS[LANDMARK_NAMES[index]] ?? '#ffffff'
}
