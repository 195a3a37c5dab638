/**
 * Every keyboard shortcut of the editor in one table: the key handler dispatches from it and
 * the help overlay (`?`) lists it, so the two cannot disagree.
 */

/** What a shortcut does; the key handler maps each to a store or machine action. */
export type ShortcutAction =
  | 'next-image'
  | 'prev-image'
  | 'next-unconfirmed-image'
  | 'next-face'
  | 'prev-face'
  | 'draw-box'
  | 'place-landmarks'
  | 'accept'
  | 'accept-all'
  | 'delete'
  | 'duplicate'
  | 'select-all'
  | 'swap-left-right'
  | 'cycle-visibility'
  | 'landmark-1'
  | 'landmark-2'
  | 'landmark-3'
  | 'landmark-4'
  | 'landmark-5'
  | 'blur'
  | 'expression'
  | 'illumination'
  | 'occlusion'
  | 'pose'
  | 'invalid'
  | 'undo'
  | 'redo'
  | 'zoom-in'
  | 'zoom-out'
  | 'fit'
  | 'one-to-one'
  | 'zoom-to-face'
  | 'nudge-left'
  | 'nudge-right'
  | 'nudge-up'
  | 'nudge-down'
  | 'mark-done'
  | 'mark-review'
  | 'help'
  | 'cancel'

/** A key chord: `key` is KeyboardEvent.key, compared case-insensitively for letters. */
export interface Chord {
  key: string
  ctrl?: boolean
  shift?: boolean
  alt?: boolean
}

export interface Shortcut {
  action: ShortcutAction
  chords: Chord[]
  /** What the help overlay shows for the keys, e.g. "Ctrl+Z". */
  keys: string
  label: string
  group: 'Images' | 'Faces' | 'Landmarks' | 'Attributes' | 'View' | 'History'
}

const c = (key: string, mods: Omit<Chord, 'key'> = {}): Chord => ({ key, ...mods })

export const SHORTCUTS: readonly Shortcut[] = [
  {
    action: 'next-image',
    chords: [c('ArrowDown'), c('j')],
    keys: '↓ / J',
    label: 'Next image',
    group: 'Images',
  },
  {
    action: 'prev-image',
    chords: [c('ArrowUp'), c('k')],
    keys: '↑ / K',
    label: 'Previous image',
    group: 'Images',
  },
  {
    action: 'next-unconfirmed-image',
    chords: [c('g')],
    keys: 'G',
    label: 'Next image with proposals to confirm',
    group: 'Images',
  },
  {
    action: 'mark-done',
    chords: [c('Enter', { ctrl: true })],
    keys: 'Ctrl+Enter',
    label: 'Mark image done',
    group: 'Images',
  },
  {
    action: 'mark-review',
    chords: [c('Enter', { ctrl: true, shift: true })],
    keys: 'Ctrl+Shift+Enter',
    label: 'Mark image for review',
    group: 'Images',
  },

  {
    action: 'draw-box',
    chords: [c('b')],
    keys: 'B (or drag on empty space)',
    label: 'Draw a face box',
    group: 'Faces',
  },
  {
    action: 'accept',
    chords: [c('Enter'), c('a')],
    keys: 'Enter / A',
    label: 'Accept suggested landmarks, or the selected proposals',
    group: 'Faces',
  },
  {
    action: 'accept-all',
    chords: [c('Enter', { shift: true }), c('a', { shift: true })],
    keys: 'Shift+Enter',
    label: 'Accept all proposals above the threshold',
    group: 'Faces',
  },
  {
    action: 'next-face',
    chords: [c('Tab')],
    keys: 'Tab',
    label: 'Select the next face (proposals first)',
    group: 'Faces',
  },
  {
    action: 'prev-face',
    chords: [c('Tab', { shift: true })],
    keys: 'Shift+Tab',
    label: 'Select the previous face',
    group: 'Faces',
  },
  {
    action: 'select-all',
    chords: [c('a', { ctrl: true })],
    keys: 'Ctrl+A',
    label: 'Select every face (Shift+click, Shift+drag add)',
    group: 'Faces',
  },
  {
    action: 'delete',
    chords: [c('Delete'), c('Backspace')],
    keys: 'Del / Backspace',
    label: 'Delete the selected faces',
    group: 'Faces',
  },
  {
    action: 'duplicate',
    chords: [c('d', { ctrl: true })],
    keys: 'Ctrl+D',
    label: 'Duplicate the selected faces',
    group: 'Faces',
  },
  {
    action: 'nudge-left',
    chords: [c('ArrowLeft', { alt: true }), c('ArrowLeft', { alt: true, shift: true })],
    keys: 'Alt+←↑→↓',
    label: 'Nudge the face or chosen landmark one screen pixel (Shift: ten)',
    group: 'Faces',
  },
  {
    action: 'nudge-right',
    chords: [c('ArrowRight', { alt: true }), c('ArrowRight', { alt: true, shift: true })],
    keys: '',
    label: '',
    group: 'Faces',
  },
  {
    action: 'nudge-up',
    chords: [c('ArrowUp', { alt: true }), c('ArrowUp', { alt: true, shift: true })],
    keys: '',
    label: '',
    group: 'Faces',
  },
  {
    action: 'nudge-down',
    chords: [c('ArrowDown', { alt: true }), c('ArrowDown', { alt: true, shift: true })],
    keys: '',
    label: '',
    group: 'Faces',
  },

  {
    action: 'place-landmarks',
    chords: [c('l')],
    keys: 'L',
    label: 'Place the five landmarks with five clicks',
    group: 'Landmarks',
  },
  {
    action: 'landmark-1',
    chords: [c('1')],
    keys: '1 … 5',
    label: 'Choose a landmark of the selected face',
    group: 'Landmarks',
  },
  { action: 'landmark-2', chords: [c('2')], keys: '', label: '', group: 'Landmarks' },
  { action: 'landmark-3', chords: [c('3')], keys: '', label: '', group: 'Landmarks' },
  { action: 'landmark-4', chords: [c('4')], keys: '', label: '', group: 'Landmarks' },
  { action: 'landmark-5', chords: [c('5')], keys: '', label: '', group: 'Landmarks' },
  {
    action: 'cycle-visibility',
    chords: [c('v')],
    keys: 'V',
    label: 'Visible → occluded → not annotated',
    group: 'Landmarks',
  },
  {
    action: 'swap-left-right',
    chords: [c('x')],
    keys: 'X',
    label: 'Swap left and right points',
    group: 'Landmarks',
  },

  {
    action: 'blur',
    chords: [c('b', { shift: true })],
    keys: 'Shift+B',
    label: 'Blur: clear → normal → heavy',
    group: 'Attributes',
  },
  {
    action: 'expression',
    chords: [c('e', { shift: true })],
    keys: 'Shift+E',
    label: 'Expression: typical / exaggerated',
    group: 'Attributes',
  },
  {
    action: 'illumination',
    chords: [c('l', { shift: true })],
    keys: 'Shift+L',
    label: 'Illumination: normal / extreme',
    group: 'Attributes',
  },
  {
    action: 'occlusion',
    chords: [c('o', { shift: true })],
    keys: 'Shift+O',
    label: 'Occlusion: none → partial → heavy',
    group: 'Attributes',
  },
  {
    action: 'pose',
    chords: [c('p', { shift: true })],
    keys: 'Shift+P',
    label: 'Pose: typical / atypical',
    group: 'Attributes',
  },
  {
    action: 'invalid',
    chords: [c('i', { shift: true })],
    keys: 'Shift+I',
    label: 'Invalid (ignored by evaluation)',
    group: 'Attributes',
  },

  {
    action: 'zoom-in',
    chords: [c('='), c('+'), c('+', { shift: true })],
    keys: '+ / wheel',
    label: 'Zoom in at the pointer',
    group: 'View',
  },
  { action: 'zoom-out', chords: [c('-')], keys: '−', label: 'Zoom out', group: 'View' },
  {
    action: 'fit',
    chords: [c('f'), c('!', { shift: true })],
    keys: 'F / Shift+1',
    label: 'Fit the image',
    group: 'View',
  },
  {
    action: 'one-to-one',
    chords: [c(')', { shift: true }), c('0')],
    keys: '0 / Shift+0',
    label: 'Actual pixels (1:1)',
    group: 'View',
  },
  {
    action: 'zoom-to-face',
    chords: [c('z')],
    keys: 'Z',
    label: 'Zoom to the selected face (tiny faces)',
    group: 'View',
  },

  {
    action: 'undo',
    chords: [c('z', { ctrl: true })],
    keys: 'Ctrl+Z',
    label: 'Undo (named steps, unlimited per image)',
    group: 'History',
  },
  {
    action: 'redo',
    chords: [c('z', { ctrl: true, shift: true }), c('y', { ctrl: true })],
    keys: 'Ctrl+Shift+Z / Ctrl+Y',
    label: 'Redo',
    group: 'History',
  },
  {
    action: 'help',
    chords: [c('?', { shift: true }), c('?'), c('F1')],
    keys: '?',
    label: 'Show or hide this help',
    group: 'History',
  },
  {
    action: 'cancel',
    chords: [c('Escape')],
    keys: 'Esc',
    label: 'Cancel the gesture, then clear the selection',
    group: 'History',
  },
]

/** The shortcut a key event triggers, or undefined. Ctrl and Cmd count alike. */
export function matchShortcut(event: {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}): ShortcutAction | undefined {
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  const ctrl = event.ctrlKey || event.metaKey
  for (const shortcut of SHORTCUTS) {
    for (const chord of shortcut.chords) {
      if (
        chord.key.toLowerCase() === key.toLowerCase() &&
        !!chord.ctrl === ctrl &&
        !!chord.shift === event.shiftKey &&
        !!chord.alt === event.altKey
      ) {
        return shortcut.action
      }
    }
  }
  return undefined
}
