import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'

/**
 * Browser end-to-end tests against the HTTP server (src/main/api/serve.ts), which runs the
 * same handlers as the Electron IPC; plus an Electron spec that skips when the Electron binary
 * is not installed. `npm test` builds first; global-setup only starts the server.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  // Pre-annotating the sample folder takes a few seconds per core; the specs share one server.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    // Pixel probes in the specs assume one device pixel per CSS pixel.
    deviceScaleFactor: 1,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions: {
      // The system Chromium where there is one (no browser download needed), else Playwright's.
      executablePath: existsSync(chromium) ? chromium : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
})
