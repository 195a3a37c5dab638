import type { Ref } from 'vue'

import type { ApiError } from '@shared/api-error'
import { asApiError } from './request'

export interface JobPollerOptions<J extends { id: number; state: string }> {
  /** The job shown; the poller replaces it with each fresh answer. */
  job: Ref<J | null>
  /** Where a failed poll is reported; polling then stops until `schedule` is called again. */
  error: Ref<ApiError | null>
  intervalMs: number
  fetch: (jobId: number) => Promise<J>
  /** Called with every fresh state, the final one included. */
  onUpdate?: (job: J) => Promise<void> | void
}

/**
 * Polls a background job while it runs. Polling (not pushed events) works the same over IPC
 * and over the test server's HTTP, and a job's progress is a few numbers.
 */
export function createJobPoller<J extends { id: number; state: string }>(
  options: JobPollerOptions<J>,
) {
  let timer: ReturnType<typeof setTimeout> | null = null

  function schedule(): void {
    if (options.job.value?.state === 'running') {
      timer = setTimeout(() => void poll(), options.intervalMs)
    }
  }

  function stop(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  async function poll(): Promise<void> {
    const polled = options.job.value
    if (!polled) return
    let next: J
    try {
      next = await options.fetch(polled.id)
    } catch (cause) {
      options.error.value = asApiError(cause)
      return
    }

    // Another job was started while this request was out; its answer would be stale.
    if (options.job.value?.id !== polled.id) return
    options.job.value = next
    await options.onUpdate?.(next)
    schedule()
  }

  return { schedule, stop }
}
