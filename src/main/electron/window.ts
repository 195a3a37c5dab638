import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, shell } from 'electron'

import { logger } from '../log'

const log = logger('electron/window')

const here = fileURLToPath(new URL('.', import.meta.url))

/** electron-vite sets this in `npm run dev`; a packaged build loads the file instead. */
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const rendererFile = join(here, '../renderer/index.html')

/** Whether `url` is our renderer page, the only page allowed to use the API. */
export function isRendererUrl(url: URL): boolean {
  if (devServerUrl) return url.origin === new URL(devServerUrl).origin
  return url.protocol === 'file:' && url.pathname === pathToFileURL(rendererFile).pathname
}

/**
 * The main window. The renderer is treated as untrusted: no Node, isolated context, OS
 * sandbox; it reaches the core only through the preload's named API methods.
 */
export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Facemark',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())

  // Never navigate away from our page (a dropped file would otherwise replace the app) and
  // open only http(s) links, in the user's browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(new URL(url))) {
      event.preventDefault()
      log.warn(`blocked navigation to ${url}`)
    }
  })
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })

  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererFile)
  return window
}
