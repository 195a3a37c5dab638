import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { ApiRequest, LabelsJobInfo } from '@shared/api'
import type { ReviewLabelSet } from '@shared/review'
import { client } from '@renderer/api/client'
import { useDatasetStore } from './datasets'
import { useImageQueueStore } from './image-queue'
import { createJobPoller } from './job-poller'
import { useReviewStore } from './review'
import { asApiError, type RequestStatus } from './request'

/** What the import form sends (`labels/import`). */
export type ImportRequest = ApiRequest<'labels/import'>
/** What the export form sends, less the dataset, which is the open one (`labels/export`). */
export type ExportRequest = Omit<ApiRequest<'labels/export'>, 'datasetId'>

/** A label job is polled this often; its progress is a few numbers. */
const POLL_MS = 250

/**
 * The import / export dialog: which way it goes, the label sets an export can pick from, and
 * the background job it started (`labels/*`), polled until it settles. After an import, the
 * lists that show label sets and datasets are reloaded so the new set appears without a
 * reload of the page.
 */
export const useDataioStore = defineStore('dataio', () => {
  const dialogOpen = ref(false)
  const direction = ref<'import' | 'export'>('export')
  /** Label sets of the open dataset, for the export's set picker. */
  const sets = ref<ReviewLabelSet[]>([])
  const job = ref<LabelsJobInfo | null>(null)
  /** The request that starts a job; the job's own outcome is `job.state`. */
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)

  const running = computed(() => job.value?.state === 'running')
  const datasetId = computed(() => useImageQueueStore().datasetId)

  const poller = createJobPoller({
    job,
    error,
    intervalMs: POLL_MS,
    fetch: (jobId) => client.api.labels.job({ jobId }),
    onUpdate: async (next) => {
      if (next.kind === 'import' && next.state === 'finished') await afterImport()
    },
  })
  const stopPolling = poller.stop

  async function openDialog(): Promise<void> {
    dialogOpen.value = true
    if (datasetId.value === null) direction.value = 'import'
    await loadSets()
  }

  function closeDialog(): void {
    // A running job keeps running in the main process; closing only stops watching it.
    stopPolling()
    dialogOpen.value = false
    if (!running.value) reset()
  }

  /** Back to the form, forgetting the finished job and its error. */
  function reset(): void {
    job.value = null
    status.value = 'idle'
    error.value = null
  }

  async function loadSets(): Promise<void> {
    const id = datasetId.value
    if (id === null) {
      sets.value = []
      return
    }
    try {
      sets.value = await client.api.review.labelSets({ datasetId: id })
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  async function startImport(request: ImportRequest): Promise<void> {
    await start(() => client.api.labels.import(request))
  }

  async function startExport(request: ExportRequest): Promise<void> {
    const id = datasetId.value
    if (id === null) return
    await start(() => client.api.labels.export({ ...request, datasetId: id }))
  }

  async function start(call: () => Promise<LabelsJobInfo>): Promise<void> {
    stopPolling()
    status.value = 'pending'
    error.value = null
    job.value = null
    try {
      job.value = await call()
      status.value = 'succeeded'
    } catch (cause) {
      error.value = asApiError(cause)
      status.value = 'failed'
      return
    }
    poller.schedule()
  }

  async function cancel(): Promise<void> {
    if (!job.value) return
    try {
      job.value = await client.api.labels.cancel({ jobId: job.value.id })
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  /** Electron only: the native folder picker; null when cancelled or in the browser. */
  async function pickFolder(): Promise<string | null> {
    if (!client.pickFolder) return null
    try {
      return await client.pickFolder()
    } catch (cause) {
      error.value = asApiError(cause)
      return null
    }
  }

  /** Every list that names label sets or datasets learns of the new set. */
  async function afterImport(): Promise<void> {
    const review = useReviewStore()
    await Promise.all([useDatasetStore().loadDatasets(), review.loadSets(), loadSets()])
  }

  /** Switches the window to the dataset an import created, as opening its folder would. */
  async function openImportedDataset(): Promise<void> {
    const summary = job.value?.summary
    if (!summary) return
    const datasets = useDatasetStore()
    const dataset = datasets.datasets.find((d) => d.id === summary.datasetId)
    if (!dataset) return
    closeDialog()
    await datasets.openFolder(dataset.root)
  }

  return {
    dialogOpen,
    direction,
    sets,
    job,
    status,
    error,
    running,
    datasetId,
    openDialog,
    closeDialog,
    reset,
    loadSets,
    startImport,
    startExport,
    cancel,
    pickFolder,
    stopPolling,
    openImportedDataset,
  }
})
