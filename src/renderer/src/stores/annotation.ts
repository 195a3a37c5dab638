import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { ImageRecord, LabelSetRecord, StoredFace } from '@shared/records'
import { client, type LoadedImage } from '@renderer/api/client'
import { asApiError, createTicketer, type RequestStatus } from './request'

/**
 * The selected image: its display bitmap and the faces of the annotation set. The next
 * issue adds editing actions here (update, insert, delete, visibility), each a new channel.
 */
export const useAnnotationStore = defineStore('annotation', () => {
  const imageId = ref<number | null>(null)
  const image = ref<ImageRecord | null>(null)
  const labelSet = ref<LabelSetRecord | null>(null)
  const faces = ref<StoredFace[]>([])
  // A bitmap must stay unproxied: canvas drawImage() rejects a reactive Proxy.
  const display = shallowRef<LoadedImage | null>(null)
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)

  const tickets = createTicketer()
  let inFlight: AbortController | null = null

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
      display.value = markRaw(loaded)
      status.value = 'succeeded'
    } catch (cause) {
      if (!tickets.isCurrent(ticket)) return
      display.value = null
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
      const list = await client.api.faces.list({ imageId: id })
      if (!tickets.isCurrent(ticket)) return
      labelSet.value = list.labelSet
      faces.value = list.faces
    } catch (cause) {
      if (tickets.isCurrent(ticket)) error.value = asApiError(cause)
    }
  }

  return { imageId, image, labelSet, faces, display, status, error, load, refreshFaces }
})
