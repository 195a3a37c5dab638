/**
 * Why a detection failed, as data that crosses threads and IPC:
 * - `decode`: the file is not a usable image (the reason says why);
 * - `model`: no verified model file (the message says how to install one);
 * - `worker`: the detection thread died; the pool has replaced it;
 * - `closed`: the pool was closed before the work ran;
 * - `internal`: anything else (a bug).
 */
export type DetectErrorCode = 'decode' | 'model' | 'worker' | 'closed' | 'internal'

/** A detection failure with a code and a message meant for a person. */
export class DetectError extends Error {
  constructor(
    readonly code: DetectErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'DetectError'
  }
}

/** The plain `{ code, message }` form of any error thrown by the detection code. */
export function toErrorData(error: unknown): { code: DetectErrorCode; message: string } {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'decode' || code === 'model' || code === 'worker' || code === 'closed') {
    return { code, message }
  }
  return { code: 'internal', message }
}
