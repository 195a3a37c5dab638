/**
 * Jobs that read or write thousands of small label files do it synchronously: the promise API
 * adds a FileHandle and three thread-pool round trips per file (about 15% more CPU at 12,880
 * files) and buys no parallelism on one core. To keep IPC and HTTP polls answered meanwhile,
 * such a loop gives the event loop a turn every {@link FILES_PER_TURN} files.
 */
export const FILES_PER_TURN = 64

/** A function to call once per file; every {@link FILES_PER_TURN}th call yields a turn. */
export function turnTaker(): () => Promise<void> | undefined {
  let files = 0
  return () => {
    if (++files % FILES_PER_TURN !== 0) return undefined
    return new Promise((turn) => setImmediate(turn))
  }
}
