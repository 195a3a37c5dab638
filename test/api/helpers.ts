import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { AppContext } from '../../src/main/jobs/context'
import { openDatabase } from '../../src/main/store/database'

/** A context on a private in-memory store, with no detector: tests replace the folder job. */
export function memoryContext(): AppContext {
  const db = openDatabase(':memory:')
  return {
    db,
    detector: () => {
      throw new Error('this test context has no detector')
    },
    close: async () => {
      db.close()
    },
  }
}

/**
 * A context whose every property access throws, to prove that a request was refused before
 * any handler (and so SQLite) saw it.
 */
export function untouchableContext(): AppContext {
  return new Proxy({} as AppContext, {
    get(_, key) {
      throw new Error(`the context was touched (${String(key)})`)
    },
  })
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'facemark-api-'))
  try {
    return await run(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
