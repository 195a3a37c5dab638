/**
 * How results and errors cross a process boundary. Electron forwards only `message` of a
 * thrown error over IPC, and HTTP has no exceptions at all, so both transports send a result
 * envelope as data and the renderer rebuilds a typed {@link ApiError} from it.
 */

/**
 * - `invalid_request`: the payload failed its schema; a bug in the caller, not the user.
 * - `not_found`: the id or path names nothing; the message says which.
 * - `conflict`: the request clashes with the current state (e.g. a job already finished).
 * - `unavailable`: a resource (model file, folder) cannot be used right now.
 * - `forbidden`: the sender or token was refused.
 * - `unknown_channel`: no such channel in the contract.
 * - `internal`: anything else; the log has the details.
 */
export type ApiErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'forbidden'
  | 'unknown_channel'
  | 'internal'

/** The serialisable form of an error. `stack` is only filled in development builds. */
export interface ApiErrorData {
  code: ApiErrorCode
  message: string
  stack?: string
}

/** What every API call answers with, over both transports. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData }

/** An error with a code a caller can branch on; thrown by handlers and rebuilt by clients. */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message)
  }

  /** Rebuilds the error on the receiving side, keeping the remote stack when one was sent. */
  static fromData(data: ApiErrorData): ApiError {
    const error = new ApiError(data.code, data.message)
    if (data.stack) error.stack = data.stack
    return error
  }

  toData(includeStack = false): ApiErrorData {
    return includeStack && this.stack
      ? { code: this.code, message: this.message, stack: this.stack }
      : { code: this.code, message: this.message }
  }
}

/** Unwraps a result envelope, throwing the rebuilt error on failure. */
export function unwrapResult<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value
  throw ApiError.fromData(result.error)
}
