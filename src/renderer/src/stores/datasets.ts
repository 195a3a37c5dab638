import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { JobInfo } from '@shared/api'
import type { DatasetRecord } from '@shared/records'
import { client } from '@renderer/api/client'
import { useImageQueueStore } from './image-queue'
import { createJobPoller } from './job-poller'
import { asApiError, type RequestStatus } from './request'

/** How often a running job is polled; progress is cheap to ask for. */
const POLL_MS = 300
/** The image list is refetched at most this often while a job writes faces. */
const LIST_REFRESH_MS = 1500

/**
 * The open dataset and its import + pre-annotation job. Opening a folder returns at once;
 * the job's progress is polled over `jobs/progress`, which works the same over IPC and HTTP.
 */
export const useDatasetStore = defineStore('datasets', () => {
  const datasets = ref<DatasetRecord[]>([])
  const current = ref<DatasetRecord | null>(null)
  const job = ref<JobInfo | null>(null)
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)

  const jobRunning = computed(() => job.value?.state === 'running')

  let lastListRefresh = 0
  const poller = createJobPoller({
    job,
    error,
    intervalMs: POLL_MS,
    fetch: (jobId) => client.api.jobs.progress({ jobId }),
    // Show faces as they land, without refetching the whole list every poll.
    onUpdate: async (next) => {
      if (next.state !== 'running' || Date.now() - lastListRefresh > LIST_REFRESH_MS) {
        lastListRefresh = Date.now()
        await useImageQueueStore().refresh()
      }
    },
  })
  const stopPolling = poller.stop

  async function loadDatasets(): Promise<void> {
    try {
      datasets.value = await client.api.datasets.list({})
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  async function openFolder(root: string): Promise<void> {
    stopPolling()
    status.value = 'pending'
    error.value = null
    try {
      const opened = await client.api.datasets.open({ root })
      current.value = opened.dataset
      job.value = opened.job
      status.value = 'succeeded'
    } catch (cause) {
      error.value = asApiError(cause)
      status.value = 'failed'
      return
    }

    await useImageQueueStore().load(current.value.id)
    lastListRefresh = Date.now()
    poller.schedule()
    void loadDatasets()
  }

  /** Electron only: the native folder dialog, then the same path as a typed folder. */
  async function pickFolder(): Promise<void> {
    if (!client.pickFolder) return
    try {
      const root = await client.pickFolder()
      if (root) await openFolder(root)
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  async function cancelJob(): Promise<void> {
    if (!job.value) return
    try {
      job.value = await client.api.jobs.cancel({ jobId: job.value.id })
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  return {
    datasets,
    current,
    job,
    status,
    error,
    jobRunning,
    loadDatasets,
    openFolder,
    pickFolder,
    cancelJob,
    stopPolling,
  }
})
