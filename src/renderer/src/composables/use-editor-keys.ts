import { onBeforeUnmount, onMounted, ref } from 'vue'

import type { WiderAttributes } from '@shared/face'
import { matchShortcut, type ShortcutAction } from '@renderer/editor/shortcuts'
import { useAnnotationStore } from '@renderer/stores/annotation'
import { useImageQueueStore } from '@renderer/stores/image-queue'
import type { FaceEditor } from './use-face-editor'

const ATTRIBUTE_KEYS: Partial<Record<ShortcutAction, keyof WiderAttributes>> = {
  blur: 'blur',
  expression: 'expression',
  illumination: 'illumination',
  occlusion: 'occlusion',
  pose: 'pose',
  invalid: 'invalid',
}

/**
 * The editor's keyboard, window-wide: keys go first to the editing machine (placing
 * landmarks uses S and Backspace), then through the shortcut table in editor/shortcuts.ts.
 * Typing in a form field is left alone. Returns the help overlay's open flag.
 */
export function useEditorKeys(editor: FaceEditor) {
  const annotation = useAnnotationStore()
  const queue = useImageQueueStore()
  const helpOpen = ref(false)

  function onKeyDown(event: KeyboardEvent): void {
    const target = event.target
    // A slider keeps its arrow keys; every other key still works while it has focus.
    const slider = target instanceof HTMLInputElement && target.type === 'range'
    const typing =
      (target instanceof HTMLInputElement && !slider) ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement
    if (typing || (slider && event.key.startsWith('Arrow'))) return

    if (event.key === ' ') {
      editor.spaceHeld.value = true
      event.preventDefault()
      return
    }
    const machine = editor.machine()
    const key = {
      key: event.key,
      shift: event.shiftKey,
      ctrl: event.ctrlKey || event.metaKey,
      alt: event.altKey,
    }
    if (machine?.key(key)) {
      event.preventDefault()
      return
    }

    const action = matchShortcut(event)
    if (!action) return
    event.preventDefault()
    run(action, event.shiftKey)
  }

  function onKeyUp(event: KeyboardEvent): void {
    if (event.key === ' ') editor.spaceHeld.value = false
  }

  function run(action: ShortcutAction, shift: boolean): void {
    const engine = editor.engine()
    const machine = editor.machine()
    const attribute = ATTRIBUTE_KEYS[action]
    if (attribute) {
      void annotation.cycleAttribute(attribute)
      return
    }
    if (action.startsWith('landmark-')) {
      if (annotation.selection.length === 1)
        annotation.activeLandmark = Number(action.slice(-1)) - 1
      return
    }
    // One screen pixel in image pixels: sub-pixel when zoomed in.
    const step = (shift ? 10 : 1) / (engine?.transform.scale ?? 1)

    switch (action) {
      case 'next-image':
        return void queue.step(1)
      case 'prev-image':
        return void queue.step(-1)
      case 'next-unconfirmed-image':
        return void queue.nextUnconfirmed()
      case 'next-face':
      case 'prev-face':
        return selectNextFace(action === 'next-face' ? 1 : -1)
      case 'draw-box':
        machine?.startDrawing()
        break
      case 'place-landmarks':
        if (annotation.selection.length === 1) machine?.startPlacing(annotation.selection[0])
        break
      case 'accept':
        return void annotation.accept()
      case 'accept-all':
        return void annotation.acceptAll()
      case 'delete':
        return void annotation.deleteSelected()
      case 'duplicate':
        return void annotation.duplicateSelected()
      case 'select-all':
        annotation.selection = annotation.shownFaces.map((f) => f.id)
        return
      case 'swap-left-right':
        return void annotation.swapSelected()
      case 'cycle-visibility':
        return void annotation.cycleVisibility()
      case 'undo':
        return void annotation.undo()
      case 'redo':
        return void annotation.redo()
      case 'zoom-in':
        return engine?.zoomBy(1.25)
      case 'zoom-out':
        return engine?.zoomBy(0.8)
      case 'fit':
        return engine?.fit()
      case 'one-to-one':
        return engine?.oneToOne()
      case 'zoom-to-face':
        return focusSelection()
      case 'nudge-left':
        return void annotation.nudge(-step, 0)
      case 'nudge-right':
        return void annotation.nudge(step, 0)
      case 'nudge-up':
        return void annotation.nudge(0, -step)
      case 'nudge-down':
        return void annotation.nudge(0, step)
      case 'mark-done':
        return void annotation.setImageStatus('done')
      case 'mark-review':
        return void annotation.setImageStatus('needs_review')
      case 'help':
        helpOpen.value = !helpOpen.value
        return
      case 'cancel':
        return cancel()
    }
    editor.state.value = machine?.state ?? 'idle'
  }

  /** Esc peels one layer at a time: help, gesture, suggestion, then the selection. */
  function cancel(): void {
    if (helpOpen.value) helpOpen.value = false
    else if (editor.machine()?.state !== 'idle') editor.cancel()
    else if (annotation.suggestion) annotation.dismissSuggestion()
    else {
      annotation.selection = []
      annotation.activeLandmark = null
    }
  }

  /** Tab walks the faces, unconfirmed proposals first, and keeps the one chosen in view. */
  function selectNextFace(delta: number): void {
    const faces = [...annotation.shownFaces].sort(
      (a, b) => Number(a.source !== 'model') - Number(b.source !== 'model'),
    )
    if (!faces.length) return
    const at = faces.findIndex((f) => f.id === annotation.selection[0])
    const next = faces[(at + delta + faces.length) % faces.length]
    annotation.selection = [next.id]
    annotation.activeLandmark = null
    editor.engine()?.reveal(next.box)
  }

  function focusSelection(): void {
    const faces = annotation.selectedFaces
    if (!faces.length) return
    const x0 = Math.min(...faces.map((f) => f.box.x))
    const y0 = Math.min(...faces.map((f) => f.box.y))
    const x1 = Math.max(...faces.map((f) => f.box.x + f.box.width))
    const y1 = Math.max(...faces.map((f) => f.box.y + f.box.height))
    editor.engine()?.focus({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 })
  }

  onMounted(() => {
    window.addEventListener('keydown', onKeyDown)
    window.addEventListener('keyup', onKeyUp)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKeyDown)
    window.removeEventListener('keyup', onKeyUp)
  })

  return { helpOpen, run, focusSelection }
}
