import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test'

import type { FacemarkBridge } from '../../src/shared/api'
import { AppPage } from './support/app-page'
import { MODELS_DIR, SAMPLE_DIR } from './support/paths'

// Checked without require('electron'), which would try to download the binary.
const ELECTRON_DIST = 'node_modules/electron/dist'
const MAIN = 'out/main/index.js'

/** What a spec may look for on the page's global object (the tests compile without DOM types). */
interface PageGlobals {
  facemark?: FacemarkBridge
  require?: unknown
  process?: unknown
}

test.skip(
  !existsSync(ELECTRON_DIST),
  `Electron binary absent (${ELECTRON_DIST} missing); ` +
    'run `node node_modules/electron/install.js` where downloads work.',
)

test.describe('when the desktop app opens a folder', () => {
  let app: ElectronApplication
  let profile: string

  test.beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'facemark-electron-'))
    app = await electron.launch({
      args: [MAIN],
      env: { ...process.env, FACEMARK_USER_DATA: profile, FACE_MODELS_DIR: MODELS_DIR },
    })
  })

  test.afterAll(async () => {
    await app?.close()
    await rm(profile, { recursive: true, force: true })
  })

  test('runs the renderer isolated, with one method per channel and no generic invoke', async () => {
    const page = await app.firstWindow()
    // getLastWebPreferences is missing from Electron's typings but present at runtime.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
        getLastWebPreferences(): Record<string, unknown> | null
      }
      const last = contents.getLastWebPreferences()
      return {
        isolated: last?.contextIsolation,
        sandbox: last?.sandbox,
        node: last?.nodeIntegration,
      }
    })
    expect(prefs).toEqual({ isolated: true, sandbox: true, node: false })

    const bridge = await page.evaluate(() => {
      const scope = globalThis as unknown as PageGlobals
      return {
        domains: Object.keys(scope.facemark ?? {}).sort(),
        images: Object.keys(scope.facemark?.images ?? {}).sort(),
        hasRequire: typeof scope.require !== 'undefined',
        hasProcess: typeof scope.process !== 'undefined',
      }
    })
    expect(bridge.domains).toEqual(['datasets', 'faces', 'images', 'jobs', 'shell'])
    expect(bridge.images).toEqual(['get', 'list', 'setStatus'])
    expect(bridge.hasRequire).toBe(false)
    expect(bridge.hasProcess).toBe(false)
  })

  test('opens the folder from the native dialog and draws the stored faces', async () => {
    const page = await app.firstWindow()
    const ui = new AppPage(page)
    await expect(page.getByTestId('app')).toHaveAttribute('data-transport', 'ipc')

    // The native dialog cannot be clicked by a test; answer it from the main process instead.
    await app.evaluate(({ dialog }, folder) => {
      dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [folder] })
    }, SAMPLE_DIR)
    await page.getByTestId('open-folder-dialog').click()
    await ui.waitForPreAnnotation()

    const first = ui.imageRows.first()
    const imageId = Number(await first.getAttribute('data-image-id'))
    await first.click()
    await ui.waitForImage(imageId)

    const listed = await page.evaluate(
      (id) => (globalThis as unknown as PageGlobals).facemark!.faces.list({ imageId: id }),
      imageId,
    )
    if (!listed.ok) throw new Error(listed.error.message)
    const stored = listed.value.faces
    const drawn = await ui.drawnFaces()
    expect(drawn.map((f) => f.id).sort()).toEqual(stored.map((f) => f.id).sort())
  })
})
