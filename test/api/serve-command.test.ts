import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'

import { withTempDir } from './helpers'

/** Runs `serve` as a user would and returns the first line it prints, then stops it. */
async function firstLineOfServe(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/api/serve.ts', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  try {
    return await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`serve exited with code ${code}`)))
      createInterface({ input: child.stdout }).once('line', resolve)
    })
  } finally {
    child.kill('SIGTERM')
  }
}

describe('when serve is started with --open', () => {
  it('prints a page URL that carries the token and the folder it opens', async () => {
    await withTempDir(async (dir) => {
      const folder = join(dir, 'photos #1 ü')
      await mkdir(folder)

      const url = new URL(await firstLineOfServe(['--db', join(dir, 'x.sqlite'), '--open', folder]))

      expect(url.hostname).toBe('127.0.0.1')
      expect(url.searchParams.get('token')).toMatch(/^[\w-]{32}$/)
      expect(url.searchParams.get('open')).toBe(folder)
    })
  }, 30_000)
})
