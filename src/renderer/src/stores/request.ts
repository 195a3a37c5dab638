import { ApiError } from '@shared/api-error'

/** Where a store's last request stands (CVAT's request / success / failure triple). */
export type RequestStatus = 'idle' | 'pending' | 'succeeded' | 'failed'

/** Any rejection as an ApiError, so components show one kind of error. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError('internal', error instanceof Error ? error.message : String(error))
}

/**
 * Hands out tickets so an action can tell whether a newer call of itself started while it
 * awaited; only the newest may write its result (fast image switching answers out of order).
 */
export function createTicketer() {
  let latest = 0
  return {
    next: () => ++latest,
    isCurrent: (ticket: number) => ticket === latest,
  }
}
