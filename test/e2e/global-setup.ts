import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { MODELS_DIR, SERVER_URL_ENV } from './support/paths'

const BUNDLED_SERVER = 'out/main/api-server.js'

/**
 * Starts the API server on a fresh temporary database and hands its URL to the specs. The
 * bundled server is used when `npm run build` has run (as in `npm test`), the sources via tsx
 * otherwise; either way the page itself needs out/renderer, so build first.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('out/renderer/index.html')) {
    throw new Error('out/renderer is missing: run `npm run build` before the e2e tests.')
  }

  const dir = await mkdtemp(join(tmpdir(), 'facemark-e2e-'))
  const db = join(dir, 'e2e.sqlite')
  const args = ['--db', db, '--models', MODELS_DIR]
  // The review spec runs the CLI on the same store to compare its numbers with the window's.
  process.env.FACEMARK_E2E_DB = db
  const child = existsSync(BUNDLED_SERVER)
    ? spawn(process.execPath, [BUNDLED_SERVER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('npx', ['tsx', 'src/main/api/serve.ts', ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })

  process.env[SERVER_URL_ENV] = await firstLine(child)

  return async () => {
    child.kill('SIGTERM')
    await new Promise((done) => child.once('exit', done))
    await rm(dir, { recursive: true, force: true })
  }
}

/** The server prints its URL as the first stdout line once it listens. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the API server printed no URL in 30 s')),
      30_000,
    )
    child.once('exit', (code) => reject(new Error(`the API server exited with code ${code}`)))
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
  })
}
