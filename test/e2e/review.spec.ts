import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'

import { AppPage } from './support/app-page'
import { SAMPLE_DIR, SERVER_URL_ENV } from './support/paths'
import { ReviewPage } from './support/review-page'

const run = promisify(execFile)
const url = () => process.env[SERVER_URL_ENV]!

/** `facemark eval --json` from source on the server's own store. */
async function cliReport(args: string[]) {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main/cli.ts',
      'eval',
      '--db',
      process.env.FACEMARK_E2E_DB!,
      ...args,
      '--json',
    ],
    { cwd: process.cwd() },
  )
  return JSON.parse(stdout) as {
    ap: { setting: string; ap: number }[]
    review: { cases: unknown[] }
  }
}

test.describe('when the review is opened for the sample', () => {
  test('shows the CLI AP and opens an error on its face in the editor', async ({ page }) => {
    const app = new AppPage(page)
    const review = new ReviewPage(page)

    await test.step('open the sample and wait for pre-annotation', async () => {
      await app.goto(url())
      await app.openFolder(SAMPLE_DIR)
      await app.waitForPreAnnotation()
    })

    await test.step('import the official .mat ground truth and compare', async () => {
      await review.open()
      await review.importGroundTruth(join(SAMPLE_DIR, 'ground_truth'))
      await expect(review.apRows).toHaveCount(3)
    })

    await test.step('show exactly the AP the CLI prints for the same two sets', async () => {
      const shown = await review.apBySetting()
      const { pred, gt } = await review.selectedSets()
      const cli = await cliReport(['--pred', String(pred), '--gt', String(gt)])

      expect(Object.keys(shown)).toEqual(['easy', 'medium', 'hard'])
      for (const { setting, ap } of cli.ap) expect(shown[setting], setting).toBe(ap)
      // The sample's val photos under the official protocol: a sane detector, not a fluke.
      expect(shown.easy).toBeGreaterThan(0.9)
      await expect(page.getByTestId('review-cases')).toHaveAttribute(
        'data-count',
        String(cli.review.cases.length),
      )
    })

    await test.step('click a missed face and land on it in the editor', async () => {
      await page.getByTestId('case-sort').selectOption('size')
      const miss = review.cases.and(page.locator('[data-kind="miss"]')).first()
      const imageId = Number(await miss.getAttribute('data-image-id'))
      const [x, y, w, h] = (await miss.getAttribute('data-box'))!.split(',').map(Number)
      await miss.getByTestId('case-open').click()

      await expect(review.panel).toBeHidden()
      await app.waitForImage(imageId)
      // The face is centred and enlarged: its box centre sits at the canvas centre.
      await expect
        .poll(async () => {
          const view = await app.viewTransform()
          const stage = (await app.viewer.boundingBox())!
          const cx = view.offsetX + (x + w / 2) * view.scale
          const cy = view.offsetY + (y + h / 2) * view.scale
          return Math.hypot(cx - stage.width / 2, cy - stage.height / 2) < 2 && view.scale >= 1
        })
        .toBe(true)
    })
  })
})
