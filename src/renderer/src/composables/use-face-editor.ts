import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue'

import { FaceCanvas } from '@renderer/canvas/face-canvas'
import type { DrawnFace } from '@renderer/canvas/render'
import type { ViewTransform } from '@renderer/canvas/viewport'
import { EditorMachine } from '@renderer/editor/machine'
import type { EditorHost, PointerInput, StateName } from '@renderer/editor/types'
import { useAnnotationStore } from '@renderer/stores/annotation'

/** Gestures during which the loupe magnifies the area under the pointer. */
const LOUPE_STATES: ReadonlySet<StateName> = new Set([
  'dragging-landmark',
  'dragging-box',
  'placing-landmarks',
  'drawing-box',
])

/**
 * Mounts the canvas engine and the editing machine on a canvas element and binds both to the
 * annotation store: pointer events go to the machine, the machine's commits to the store, the
 * store's faces and selection back to the engine. Components only render what this returns.
 */
export function useFaceEditor(canvasRef: Readonly<Ref<HTMLCanvasElement | null>>) {
  const annotation = useAnnotationStore()
  const drawn = shallowRef<DrawnFace[]>([])
  const view = shallowRef<ViewTransform>({ scale: 1, offsetX: 0, offsetY: 0 })
  /** The image whose scene was last painted, which may lag the store by a frame. */
  const drawnImageId = ref<number | null>(null)
  const hint = ref<string | null>(null)
  const state = ref<StateName>('idle')
  const spaceHeld = ref(false)

  let engine: FaceCanvas | null = null
  let machine: EditorMachine | null = null
  let sceneImageId: number | null = null

  const host: EditorHost = {
    hitTest: (screen) => engine?.hitTest(screen) ?? { kind: 'none' },
    face: (id) => annotation.faces.find((f) => f.id === id),
    selection: () => annotation.selection,
    select: (ids, active = null) => {
      annotation.selection = ids
      annotation.activeLandmark = active
    },
    facesIn: (area) => engine?.facesIn(area) ?? [],
    preview: (preview) => engine?.setOverlay({ preview }),
    pan: (dx, dy) => engine?.panBy(dx, dy),
    commit: (request) => annotation.commit(request),
    hint: (text) => (hint.value = text),
    cursor: (cursor) => {
      if (canvasRef.value) canvasRef.value.style.cursor = cursor
    },
    spaceHeld: () => spaceHeld.value,
  }

  function input(event: PointerEvent | WheelEvent): PointerInput {
    const rect = canvasRef.value!.getBoundingClientRect()
    const screen = { x: event.clientX - rect.left, y: event.clientY - rect.top }
    return {
      screen,
      image: engine!.toImage(screen),
      button: event.button,
      shift: event.shiftKey,
      ctrl: event.ctrlKey || event.metaKey,
      alt: event.altKey,
    }
  }

  /** Runs a machine call, then mirrors its state and the loupe. */
  function drive(event: PointerEvent, call: (m: EditorMachine, i: PointerInput) => void): void {
    if (!engine || !machine) return
    const at = input(event)
    call(machine, at)
    state.value = machine.state
    engine.setLoupe(LOUPE_STATES.has(machine.state) && event.buttons ? at.image : null)
  }

  const onPointerDown = (event: PointerEvent) => {
    canvasRef.value?.setPointerCapture(event.pointerId)
    canvasRef.value?.focus()
    drive(event, (m, i) => m.pointerDown(i))
    event.preventDefault()
  }
  const onPointerMove = (event: PointerEvent) => drive(event, (m, i) => m.pointerMove(i))
  const onPointerUp = (event: PointerEvent) => {
    drive(event, (m, i) => m.pointerUp(i))
    engine?.setLoupe(null)
  }
  const onWheel = (event: WheelEvent) => {
    event.preventDefault()
    if (!engine) return
    // deltaMode 1 is lines (Firefox, some mice): about 16 pixels each.
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY
    engine.zoomBy(Math.exp(-delta * 0.0015), input(event).screen)
  }
  const onContextMenu = (event: Event) => event.preventDefault()

  function pushScene(): void {
    if (!engine) return
    const display = annotation.display
    if (sceneImageId !== (display ? annotation.imageId : null)) {
      sceneImageId = display ? annotation.imageId : null
      engine.setImage(display?.bitmap ?? null, display?.info ?? null, annotation.tiles)
      machine?.cancel()
    }
    engine.setFaces(display ? annotation.shownFaces : [])
  }

  function pushOverlay(): void {
    engine?.setOverlay({
      selected: new Set(annotation.selection),
      activeLandmark: annotation.activeLandmark,
      suggestion: annotation.suggestion,
      warned: new Set(annotation.warnings.keys()),
    })
  }

  onMounted(() => {
    const canvas = canvasRef.value!
    engine = new FaceCanvas(canvas)
    machine = new EditorMachine(host)
    engine.on('drawn', (faces, transform) => {
      drawn.value = faces
      view.value = transform
      drawnImageId.value = sceneImageId
    })
    engine.on('view', (transform) => (view.value = transform))
    // Benchmarks read paint durations from here (bench/editor.ts).
    Object.assign(window, {
      __facemarkPaintTimes: engine.paintTimes,
      __facemarkTilesHeld: () => engine?.tilesHeld ?? 0,
    })

    canvas.addEventListener('pointerdown', onPointerDown)
    canvas.addEventListener('pointermove', onPointerMove)
    canvas.addEventListener('pointerup', onPointerUp)
    canvas.addEventListener('pointercancel', () => machine?.cancel())
    canvas.addEventListener('wheel', onWheel, { passive: false })
    canvas.addEventListener('contextmenu', onContextMenu)
    pushScene()
    pushOverlay()
  })

  onBeforeUnmount(() => {
    engine?.destroy()
    engine = null
    machine = null
  })

  // A new bitmap always arrives together with its faces, so one watcher covers both.
  watch(() => [annotation.display, annotation.shownFaces], pushScene)
  watch(
    () => [
      annotation.selection,
      annotation.activeLandmark,
      annotation.suggestion,
      annotation.warnings,
    ],
    pushOverlay,
  )

  // A review case: once its image is painted, draw the compared sets and zoom on the face.
  watch(
    () => [annotation.reviewFocus, drawnImageId.value] as const,
    ([focus, shownId]) => {
      if (focus && annotation.imageId !== focus.imageId) annotation.showReviewFocus(null)
      const here = focus !== null && focus.imageId === shownId
      engine?.setComparison(
        here ? { faces: focus.faces, focusId: focus.faceId } : { faces: [], focusId: null },
      )
      if (here) engine?.focus(focus.box)
    },
  )

  return {
    drawn,
    view,
    drawnImageId,
    hint,
    state,
    spaceHeld,
    engine: () => engine,
    machine: () => machine,
    resize: (width: number, height: number) => engine?.resize(width, height),
    cancel: () => {
      machine?.cancel()
      state.value = machine?.state ?? 'idle'
    },
  }
}

/** What {@link useFaceEditor} returns. */
export type FaceEditor = ReturnType<typeof useFaceEditor>
