import { mkdir } from 'node:fs/promises'
import { test, expect } from '@playwright/test'

import type { StoredFace } from '../../src/shared/records'
import { AppPage, type DrawnFaceData } from './support/app-page'
import { SAMPLE_DIR, SERVER_URL_ENV } from './support/paths'
import { serverApi } from './support/server-api'

const BOX_COLORS = ['#00e5ff', '#7cfc00', '#ff9f0a']
/** Drawn geometry is computed back from canvas coordinates; only float rounding may differ. */
const TOLERANCE_PX = 0.01

const url = () => process.env[SERVER_URL_ENV]!

/** Compares what the page drew with the store, face by face, in image pixels. */
function expectSameFaces(drawn: DrawnFaceData[], stored: StoredFace[], label: string): void {
  expect(drawn.map((f) => f.id).sort(), `${label}: face ids`).toEqual(
    stored.map((f) => f.id).sort(),
  )
  const byId = new Map(drawn.map((face) => [face.id, face]))
  for (const face of stored) {
    const shown = byId.get(face.id)!
    const box = [shown.x, shown.y, shown.width, shown.height]
    const want = [face.box.x, face.box.y, face.box.width, face.box.height]
    box.forEach((value, i) =>
      expect(Math.abs(value - want[i]), `${label} face ${face.id} box[${i}]`).toBeLessThan(
        TOLERANCE_PX,
      ),
    )
    expect(shown.score, `${label} face ${face.id} score`).toBe(face.score)
    expect(shown.landmarks.length).toBe(face.landmarks.length)
    face.landmarks.forEach((point, i) => {
      expect(Math.abs(shown.landmarks[i].x - point.x)).toBeLessThan(TOLERANCE_PX)
      expect(Math.abs(shown.landmarks[i].y - point.y)).toBeLessThan(TOLERANCE_PX)
      expect(shown.landmarks[i].visibility).toBe(point.visibility)
    })
  }
}

test.describe('when a folder is opened in the browser', () => {
  test('pre-annotates it and draws every stored face where the store has it', async ({ page }) => {
    const app = new AppPage(page)
    const api = serverApi(url())

    await test.step('open the sample folder', async () => {
      await app.goto(url())
      await expect(page.getByTestId('app')).toHaveAttribute('data-transport', 'http')
      await app.openFolder(SAMPLE_DIR)
      await expect(page.getByTestId('dataset-name')).toHaveText('widerface-sample')
    })

    await test.step('wait for pre-annotation to finish', async () => {
      await app.waitForPreAnnotation()
      await expect(app.jobProgress).toHaveAttribute('data-failed', '0')
    })

    const datasets = await api.call('datasets/list', {})
    const dataset = datasets.find((d) => d.root === SAMPLE_DIR)!
    const images = await api.call('images/list', { datasetId: dataset.id })
    expect(images.length).toBeGreaterThan(0)
    await expect(app.imageList).toHaveAttribute('data-count', String(images.length))

    let faceCount = 0
    let probed = 0
    for (const [index, image] of images.entries()) {
      await test.step(`image ${index + 1}/${images.length}: ${image.relPath}`, async () => {
        if (index === 0) await app.selectImage(image.id)
        else await app.stepDown()
        await app.waitForImage(image.id)

        const { faces } = await api.call('faces/list', { imageId: image.id })
        expect(faces.length, 'the list row counts the same faces').toBe(image.faceCount)
        expectSameFaces(await app.drawnFaces(), faces, image.relPath)
        const edges = await app.probeBoxEdges(faces, BOX_COLORS)
        expect(edges.missing, 'faces whose box edge is not on the canvas').toEqual([])
        faceCount += faces.length
        probed += edges.probed
      })
    }
    const checked = `${images.length} images, ${faceCount} faces compared, ${probed} box edges probed`
    test.info().annotations.push({ type: 'checked', description: checked })
    console.log(`drawn = stored: ${checked}`)
    expect(faceCount).toBeGreaterThan(0)
  })

  test('keeps the last selected image when switching faster than images load', async ({ page }) => {
    const app = new AppPage(page)
    const api = serverApi(url())
    await app.goto(url())
    await app.openFolder(SAMPLE_DIR)
    await app.waitForPreAnnotation()

    const [dataset] = (await api.call('datasets/list', {})).filter((d) => d.root === SAMPLE_DIR)
    const images = await api.call('images/list', { datasetId: dataset.id })
    await app.selectImage(images[0].id)
    for (let i = 0; i < 6; i++) await app.stepDown()

    await app.waitForImage(images[6].id)
    const { faces } = await api.call('faces/list', { imageId: images[6].id })
    expectSameFaces(await app.drawnFaces(), faces, images[6].relPath)
  })

  test('says so when the folder does not exist', async ({ page }) => {
    const app = new AppPage(page)
    await app.goto(url())
    await app.openFolder('/no/such/folder')
    await expect(app.error).toHaveAttribute('data-code', 'not_found')
    await expect(app.error).toContainText('/no/such/folder')
  })

  test('opens the folder named in the page URL, as `serve --open` prints it', async ({ page }) => {
    const app = new AppPage(page)
    const api = serverApi(url())
    await app.goto(`${url()}&open=${encodeURIComponent(SAMPLE_DIR)}`)

    await expect(page.getByTestId('dataset-name')).toHaveText('widerface-sample')
    await expect(app.folderPath).toHaveValue(SAMPLE_DIR)
    await app.waitForPreAnnotation()
    const [dataset] = (await api.call('datasets/list', {})).filter((d) => d.root === SAMPLE_DIR)
    const images = await api.call('images/list', { datasetId: dataset.id })
    await expect(app.imageRows.first()).toBeVisible()
    await expect(app.imageList).toHaveAttribute('data-count', String(images.length))
  })

  test('refuses the page without its token', async ({ page }) => {
    const response = await page.goto(new URL(url()).origin)
    expect(response?.status()).toBe(401)
  })

  test('shows a sample image with its faces, landmarks and legend', async ({ page }) => {
    const app = new AppPage(page)
    const api = serverApi(url())
    await app.goto(url())
    await app.openFolder(SAMPLE_DIR)
    await app.waitForPreAnnotation()

    const [dataset] = (await api.call('datasets/list', {})).filter((d) => d.root === SAMPLE_DIR)
    const images = await api.call('images/list', { datasetId: dataset.id })
    // A group photo with several clear faces makes the best picture of what the app does.
    const sample =
      images.find((i) => i.relPath.includes('houseparty_50_17')) ??
      images.find((i) => i.faceCount >= 4)!
    await app.selectImage(sample.id)
    await app.waitForImage(sample.id)
    await expect(app.legend.locator('li')).toHaveCount(7)

    const file = process.env.FACEMARK_UPDATE_SCREENSHOT
      ? 'docs/screenshot.png'
      : test.info().outputPath('app.png')
    if (file.startsWith('docs/')) await mkdir('docs', { recursive: true })
    await page.screenshot({ path: file })
  })
})
