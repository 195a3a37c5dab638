import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { FaceSource, ImageRecord, ImageStatus } from '@shared/records'
import { client } from '@renderer/api/client'
import { useAnnotationStore } from './annotation'
import { asApiError, createTicketer, type RequestStatus } from './request'

/** What the list may be narrowed to; null shows everything. */
export interface ImageFilters {
  status: ImageStatus | null
  source: FaceSource | null
}

/**
 * The images of the open dataset, in path order, and which one is selected. The list is a
 * shallow ref replaced as a whole: 20,000 records behind a deep proxy cost more to wrap than
 * to fetch.
 */
export const useImageQueueStore = defineStore('image-queue', () => {
  const datasetId = ref<number | null>(null)
  const images = shallowRef<ImageRecord[]>([])
  const selectedId = ref<number | null>(null)
  const filters = ref<ImageFilters>({ status: null, source: null })
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)

  const selectedIndex = computed(() => images.value.findIndex((i) => i.id === selectedId.value))
  const selected = computed(() => images.value[selectedIndex.value] ?? null)
  const faceTotal = computed(() => images.value.reduce((sum, image) => sum + image.faceCount, 0))
  const proposalTotal = computed(() =>
    images.value.reduce((sum, image) => sum + image.proposalCount, 0),
  )

  const tickets = createTicketer()

  /** Loads a dataset's list; a reload of the same dataset keeps the selection. */
  async function load(id: number): Promise<void> {
    const ticket = tickets.next()
    if (datasetId.value !== id) {
      datasetId.value = id
      images.value = []
      selectedId.value = null
    }
    status.value = 'pending'
    error.value = null

    try {
      const list = await client.api.images.list({
        datasetId: id,
        status: filters.value.status ?? undefined,
        source: filters.value.source ?? undefined,
      })
      if (!tickets.isCurrent(ticket)) return
      images.value = list
      status.value = 'succeeded'
    } catch (cause) {
      if (!tickets.isCurrent(ticket)) return
      error.value = asApiError(cause)
      status.value = 'failed'
      return
    }

    // Faces of the image on screen may have arrived since it was opened.
    const annotation = useAnnotationStore()
    const shown = selected.value
    if (shown && annotation.imageId === shown.id && annotation.faces.length !== shown.faceCount) {
      await annotation.refreshFaces()
    }
  }

  async function refresh(): Promise<void> {
    if (datasetId.value !== null) await load(datasetId.value)
  }

  /** Narrows the list (server-side filter) and reloads it. */
  async function setFilters(next: Partial<ImageFilters>): Promise<void> {
    filters.value = { ...filters.value, ...next }
    await refresh()
  }

  async function select(imageId: number): Promise<void> {
    selectedId.value = imageId
    await useAnnotationStore().load(imageId)
  }

  /** Moves the selection by `delta` rows, stopping at either end. */
  async function step(delta: number): Promise<void> {
    if (!images.value.length) return
    const from =
      selectedIndex.value < 0 ? (delta > 0 ? -1 : images.value.length) : selectedIndex.value
    const to = Math.min(images.value.length - 1, Math.max(0, from + delta))
    if (images.value[to].id !== selectedId.value) await select(images.value[to].id)
  }

  /** The next image (after the selected one, wrapping) with proposals still unconfirmed. */
  async function nextUnconfirmed(): Promise<boolean> {
    const list = images.value
    const start = selectedIndex.value
    for (let k = 1; k <= list.length; k++) {
      const image = list[(start + k + list.length) % list.length]
      if (image.proposalCount > 0 && image.id !== selectedId.value) {
        await select(image.id)
        return true
      }
    }
    return false
  }

  /** Updates one row after an edit, without refetching 20,000 of them. */
  function patchImage(imageId: number, patch: Partial<ImageRecord>): void {
    const index = images.value.findIndex((i) => i.id === imageId)
    if (index < 0) return
    const next = images.value.slice()
    next[index] = { ...next[index], ...patch }
    images.value = next
  }

  return {
    datasetId,
    images,
    selectedId,
    filters,
    status,
    error,
    selectedIndex,
    selected,
    faceTotal,
    proposalTotal,
    load,
    refresh,
    setFilters,
    select,
    step,
    nextUnconfirmed,
    patchImage,
  }
})
