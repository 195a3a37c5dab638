import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { ImageRecord } from '@shared/records'
import { client } from '@renderer/api/client'
import { useAnnotationStore } from './annotation'
import { asApiError, createTicketer, type RequestStatus } from './request'

/** The images of the open dataset, in path order, and which one is selected. */
export const useImageQueueStore = defineStore('image-queue', () => {
  const datasetId = ref<number | null>(null)
  const images = ref<ImageRecord[]>([])
  const selectedId = ref<number | null>(null)
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)

  const selectedIndex = computed(() => images.value.findIndex((i) => i.id === selectedId.value))
  const selected = computed(() => images.value[selectedIndex.value] ?? null)
  const faceTotal = computed(() => images.value.reduce((sum, image) => sum + image.faceCount, 0))

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
      const list = await client.api.images.list({ datasetId: id })
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

  return {
    datasetId,
    images,
    selectedId,
    status,
    error,
    selectedIndex,
    selected,
    faceTotal,
    load,
    refresh,
    select,
    step,
  }
})
