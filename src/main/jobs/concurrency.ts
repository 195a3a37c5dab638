/**
 * Run `task` over `items` with at most `limit` in flight, started in order. Used where the
 * work is I/O or worker-bound and one-at-a-time would leave cores idle.
 */
export async function forEachConcurrent<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) await task(items[next++])
  }
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane))
}
