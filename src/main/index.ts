/**
 * The Electron shell: one window, the API over IPC, the image protocol. Everything it serves
 * comes from the plain-Node core (src/main/api, jobs, store), which the HTTP server and the
 * CLI run too; this file only wires it to Electron.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { app, BrowserWindow, dialog } from 'electron'

import { createApi, type ApiService } from './api/handlers'
import { handleImageProtocol, registerImageScheme } from './electron/image-protocol'
import { isTrustedFrame, registerApiIpc } from './electron/ipc'
import { createMainWindow, isRendererUrl } from './electron/window'
import { createAppContext, type AppContext } from './jobs/context'
import { logger } from './log'

const log = logger('main')

/** Where scripts/native-modules.sh puts the Electron build of better-sqlite3. */
const ELECTRON_SQLITE_BINDING = 'build/electron/better_sqlite3.node'

// Schemes must be privileged before the app is ready.
registerImageScheme()

// Tests point the app at a throwaway profile; the path must be set before anything uses it.
if (process.env.FACEMARK_USER_DATA) app.setPath('userData', process.env.FACEMARK_USER_DATA)

let ctx: AppContext | null = null
let api: ApiService | null = null

async function start(): Promise<void> {
  await app.whenReady()

  const userData = app.getPath('userData')
  ctx = createAppContext({
    dbFile: join(userData, 'facemark.sqlite'),
    dataDir: userData,
    sqliteBinding: electronSqliteBinding(),
  })
  api = createApi(ctx, { includeStack: !app.isPackaged })

  registerApiIpc(api, (event) => isTrustedFrame(event, isRendererUrl))
  handleImageProtocol(api)
  createMainWindow()

  // macOS keeps the app alive without windows; the dock icon brings one back.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// Closing waits for the detection workers and the database, so quitting pauses once for it.
let closed = false
app.on('will-quit', (event) => {
  if (closed || !ctx) return
  event.preventDefault()
  closed = true
  api?.close()
  ctx
    .close()
    .catch((error: unknown) => log.error('shutdown failed', error))
    .finally(() => app.quit())
})

start().catch((error: unknown) => {
  log.error('startup failed', error)
  dialog.showErrorBox('facemark could not start', startupAdvice(error))
  app.exit(1)
})

/**
 * The SQLite addon built for Electron by `npm run native:electron`, when there is one. The
 * package's own build targets Node's ABI, which the CLI and the tests need.
 */
function electronSqliteBinding(): string | undefined {
  const file = join(app.getAppPath(), ELECTRON_SQLITE_BINDING)
  return existsSync(file) ? file : undefined
}

/** What to do about a failed start; the usual one is SQLite built for Node, not Electron. */
function startupAdvice(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)) {
    return (
      'The SQLite module is built for Node.js, not for Electron. ' +
      'Run `npm run native:electron` once (it builds a copy for Electron beside the Node ' +
      'one), then start the app again.'
    )
  }
  return message
}
