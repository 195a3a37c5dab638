import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { ApiRequest, ModelInfo } from '@shared/api'
import { client } from '@renderer/api/client'
import { asApiError, type RequestStatus } from './request'

/** Polling interval while a download or derivation runs. */
const POLL_MS = 400

/**
 * The Models page: every known model with its state, and the actions on it. Installs run in
 * the main process; this store polls `models/list` while any model is downloading or deriving.
 */
export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelInfo[]>([])
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null

  const busy = computed(() =>
    models.value.some((m) => m.state === 'downloading' || m.state === 'deriving'),
  )

  /** Run one request that answers with the model list, and keep polling while busy. */
  async function apply(request: () => Promise<ModelInfo[]>): Promise<void> {
    status.value = 'pending'
    try {
      models.value = await request()
      status.value = 'succeeded'
      error.value = null
    } catch (cause) {
      status.value = 'failed'
      error.value = asApiError(cause)
    }
    schedulePoll()
  }

  function schedulePoll(): void {
    if (timer || !busy.value) return
    timer = setTimeout(() => {
      timer = null
      void apply(() => client.api.models.list({}))
    }, POLL_MS)
  }

  const load = () => apply(() => client.api.models.list({}))
  const install = (modelId: string) => apply(() => client.api.models.install({ modelId }))
  const cancel = (modelId: string) => apply(() => client.api.models.cancel({ modelId }))
  const remove = (modelId: string) => apply(() => client.api.models.remove({ modelId }))
  const use = (modelId: string) => apply(() => client.api.models.use({ modelId }))
  const add = (request: ApiRequest<'models/add'>) => apply(() => client.api.models.add(request))

  function stopPolling(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  return { models, status, error, busy, load, install, cancel, remove, use, add, stopPolling }
})
