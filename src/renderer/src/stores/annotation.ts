import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { Landmark } from '@shared/face'
import type { ImageRecord, LabelSetRecord, StoredFace } from '@shared/records'
import { client, type LoadedImage } from '@renderer/api/client'
import type { ReviewFocus } from '@renderer/canvas/comparison'
import type { TileSource } from '@renderer/canvas/tile-layer'
import { faceWarnings, type GeometryWarning } from '@renderer/editor/geometry'
import { createAnnotationEdits } from './annotation-edits'
import { asApiError, createTicketer, type RequestStatus } from './request'

/** Landmarks the detector offers for a face drawn by hand, until accepted or dismissed. */
export interface LandmarkSuggestion {
  faceId: number
  landmarks: Landmark[]
  score: number
}

/** Lowest proposal score the annotation set holds (the pre-annotation proposal threshold). */
export const PROPOSAL_FLOOR = 0.5

/**
 * The selected image, its display bitmap and the faces of the annotation set, plus the
 * editing state around them: selection, threshold, suggestion and the per-image undo
 * history. Every edit action (annotation-edits.ts) writes through the typed API at once.
 */
export const useAnnotationStore = defineStore('annotation', () => {
  const imageId = ref<number | null>(null)
  const image = ref<ImageRecord | null>(null)
  const labelSet = ref<LabelSetRecord | null>(null)
  // Replaced, never mutated: 1,000 faces behind a deep proxy would make every read slow.
  const faces = shallowRef<StoredFace[]>([])
  // A bitmap must stay unproxied: canvas drawImage() rejects a reactive Proxy.
  const display = shallowRef<LoadedImage | null>(null)
  /** Full-resolution regions of the shown image, when its display bitmap is downscaled. */
  const tiles = shallowRef<TileSource | null>(null)
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)

  const selection = shallowRef<number[]>([])
  /** The landmark of the selected face that keys (V, Alt+arrows) act on. */
  const activeLandmark = ref<number | null>(null)
  /** Model proposals below this score are hidden and left out of "accept all". */
  const threshold = ref(PROPOSAL_FLOOR)
  const suggestion = shallowRef<LandmarkSuggestion | null>(null)
  const suggesting = ref(false)
  /** A review case shown in the editor (zoomed, with the compared sets drawn); null when none. */
  const reviewFocus = shallowRef<ReviewFocus | null>(null)

  const tickets = createTicketer()
  let inFlight: AbortController | null = null

  /** The faces on the canvas: people's faces always, proposals at or above the threshold. */
  const shownFaces = computed(() =>
    faces.value.filter((f) => f.source !== 'model' || (f.score ?? 1) >= threshold.value),
  )
  const proposals = computed(() => shownFaces.value.filter((f) => f.source === 'model'))
  const selectedFaces = computed(() => {
    const ids = new Set(selection.value)
    return faces.value.filter((f) => ids.has(f.id))
  })
  const warnings = computed(() => {
    const byId = new Map<number, GeometryWarning[]>()
    for (const face of faces.value) {
      const found = faceWarnings(face.box, face.landmarks)
      if (found.length) byId.set(face.id, found)
    }
    return byId
  })

  const edits = createAnnotationEdits({
    imageId,
    image,
    faces,
    selection,
    activeLandmark,
    suggestion,
    suggesting,
    threshold,
    error,
  })

  /**
   * Shows an image. Switching fast starts several loads; only the newest may write, and the
   * image fetch of the one it replaces is aborted (CVAT's stale-response guard).
   */
  async function load(id: number): Promise<void> {
    const ticket = tickets.next()
    inFlight?.abort()
    const abort = new AbortController()
    inFlight = abort
    imageId.value = id
    status.value = 'pending'
    error.value = null
    selection.value = []
    activeLandmark.value = null
    suggestion.value = null

    try {
      const [record, list, loaded] = await Promise.all([
        client.api.images.get({ imageId: id }),
        client.api.faces.list({ imageId: id }),
        client.loadImage(id, abort.signal),
      ])
      if (!tickets.isCurrent(ticket)) {
        loaded.bitmap.close()
        return
      }
      image.value = record
      labelSet.value = list.labelSet
      faces.value = list.faces
      // Set before the bitmap: the viewer picks both up when the bitmap changes.
      tiles.value =
        loaded.info.displayWidth < loaded.info.width
          ? (region, signal) => client.loadTile(id, region, signal)
          : null
      display.value = markRaw(loaded)
      status.value = 'succeeded'
    } catch (cause) {
      if (!tickets.isCurrent(ticket)) return
      display.value = null
      tiles.value = null
      faces.value = []
      error.value = asApiError(cause)
      status.value = 'failed'
    }
  }

  /** Refetches the faces of the shown image, e.g. once pre-annotation reached it. */
  async function refreshFaces(): Promise<void> {
    const id = imageId.value
    if (id === null || status.value === 'pending') return
    const ticket = tickets.next()
    try {
      await edits.settled()
      const list = await client.api.faces.list({ imageId: id })
      if (!tickets.isCurrent(ticket)) return
      labelSet.value = list.labelSet
      faces.value = list.faces
    } catch (cause) {
      if (tickets.isCurrent(ticket)) error.value = asApiError(cause)
    }
  }

  /** Opens a review case: the viewer zooms on its face and draws both compared sets. */
  function showReviewFocus(focus: ReviewFocus | null): void {
    reviewFocus.value = focus
  }

  return {
    imageId,
    image,
    labelSet,
    faces,
    display,
    tiles,
    status,
    error,
    selection,
    activeLandmark,
    threshold,
    suggestion,
    suggesting,
    shownFaces,
    proposals,
    selectedFaces,
    warnings,
    load,
    refreshFaces,
    reviewFocus,
    showReviewFocus,
    ...edits,
  }
})
