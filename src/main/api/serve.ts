/**
 * The API and the built renderer over HTTP on 127.0.0.1, for browser tests and headless use:
 *
 *   npx tsx src/main/api/serve.ts --db facemark.sqlite [--open <folder>] [--port 0]
 *   node out/main/api-server.js --db facemark.sqlite
 *
 * Prints the page URL (with its token) as the first line on stdout, then serves until killed.
 */
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { createAppContext } from '../jobs/context'
import { logger } from '../log'
import { createApi } from './handlers'
import { startHttpServer } from './http-server'

const log = logger('api/serve')

const USAGE = `Usage: serve --db <file> [--port <n>] [--open <folder>] [--models <dir>] [--renderer <dir>]`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      port: { type: 'string', default: '0' },
      open: { type: 'string' },
      models: { type: 'string' },
      renderer: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || !values.db) {
    process.stderr.write(`${USAGE}\n`)
    process.exit(values.help ? 0 : 2)
  }

  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, got ${values.port}\n`)
    process.exit(2)
  }

  const ctx = createAppContext({ dbFile: resolve(values.db), modelsDir: values.models })
  const api = createApi(ctx, { includeStack: process.env.NODE_ENV === 'development' })
  const rendererDir = values.renderer ? resolve(values.renderer) : findRenderer()
  if (!rendererDir) log.warn('no renderer build found (run npm run build); serving the API only')
  const server = await startHttpServer({ api, port, rendererDir })

  // The first stdout line is the contract with scripts and the e2e setup. With --open the
  // page is told the folder too, so it shows what the server is working on.
  const open = values.open ? resolve(values.open) : null
  const url = open ? `${server.url}&open=${encodeURIComponent(open)}` : server.url
  process.stdout.write(`${url}\n`)

  if (open) {
    const opened = await api.dispatch('datasets/open', { root: open })
    if (!opened.ok) log.error(`could not open ${open}: ${opened.error.message}`)
  }

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    api.close()
    await server.close()
    await ctx.close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

/**
 * out/renderer next to the bundled out/main/api-server.js, or under the working directory
 * when run from source with tsx.
 */
function findRenderer(): string | null {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [resolve(here, '../renderer'), resolve(process.cwd(), 'out/renderer')]
  return candidates.find((dir) => existsSync(resolve(dir, 'index.html'))) ?? null
}

main().catch((error: unknown) => {
  log.error('the server failed to start', error)
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
