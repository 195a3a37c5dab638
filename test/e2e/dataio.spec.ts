import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'

import { AppPage } from './support/app-page'
import { SAMPLE_DIR, SERVER_URL_ENV } from './support/paths'
import { serverApi } from './support/server-api'

const url = () => process.env[SERVER_URL_ENV]!

/** The import / export dialog as a user sees it: one method per user action. */
class DataioDialog {
  readonly dialog: Locator
  readonly job: Locator

  constructor(readonly page: Page) {
    this.dialog = page.getByTestId('dataio-dialog')
    this.job = page.getByTestId('dataio-job')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('dataio-open').click()
    await expect(this.dialog).toBeVisible()
  }

  async choose(direction: 'import' | 'export'): Promise<void> {
    await this.page.getByTestId(`dataio-tab-${direction}`).click()
    await expect(this.dialog).toHaveAttribute('data-direction', direction)
  }

  async fill(format: string, path: string, name?: string): Promise<void> {
    await this.page.getByTestId('dataio-format').selectOption(format)
    await this.page.getByTestId('dataio-path').fill(path)
    if (name) await this.page.getByTestId('dataio-set-name').fill(name)
  }

  /** Starts the job and waits for its summary. */
  async run(): Promise<{ images: number; faces: number; labelSetId: number; datasetId: number }> {
    await this.page.getByTestId('dataio-start').click()
    await expect(this.job).toHaveAttribute('data-state', 'finished', { timeout: 60_000 })
    const read = async (name: string) => Number(await this.job.getAttribute(name))
    return {
      images: await read('data-images'),
      faces: await read('data-faces'),
      labelSetId: await read('data-label-set-id'),
      datasetId: await read('data-dataset-id'),
    }
  }
}

interface CocoFile {
  images: { id: number; file_name: string }[]
  annotations: { image_id: number }[]
}

test.describe('when labels go out and come in through the dialog', () => {
  let outDir = ''
  test.beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'facemark-dataio-'))
  })
  test.afterAll(async () => {
    await rm(outDir, { recursive: true, force: true })
  })

  test('exports the annotation set as COCO and imports a RetinaFace label.txt', async ({
    page,
  }) => {
    const app = new AppPage(page)
    const dialog = new DataioDialog(page)
    const api = serverApi(url())

    await test.step('open the sample and wait for pre-annotation', async () => {
      await app.goto(url())
      await app.openFolder(SAMPLE_DIR)
      await app.waitForPreAnnotation()
    })

    await test.step('export the annotation set as COCO; the file holds what the store holds', async () => {
      const dataset = (await api.call('datasets/list', {})).find((d) => d.root === SAMPLE_DIR)!
      const sets = await api.call('review/label-sets', { datasetId: dataset.id })
      const annotation = sets.find((s) => s.kind === 'annotation')!
      const images = await api.call('images/list', { datasetId: dataset.id })
      const out = join(outDir, 'coco')

      await dialog.open()
      await dialog.choose('export')
      await dialog.fill('coco', out)
      const summary = await dialog.run()

      const coco = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as CocoFile
      const readable = images.filter((image) => image.error === null)
      expect(annotation.faces).toBeGreaterThan(0)
      expect(coco.images).toHaveLength(readable.length)
      expect(coco.annotations).toHaveLength(annotation.faces)
      expect(summary).toMatchObject({ images: readable.length, faces: annotation.faces })
      await expect(page.getByTestId('dataio-out')).toHaveText(out)
    })

    await test.step('import train/label.txt as a new set of the open dataset, 77 faces', async () => {
      const name = `train label.txt ${Date.now()}`
      await page.getByTestId('dataio-again').click()
      await dialog.choose('import')
      await dialog.fill('retinaface', join(SAMPLE_DIR, 'train', 'label.txt'), name)
      const summary = await dialog.run()
      expect(summary).toMatchObject({ images: 17, faces: 77 })

      const sets = await api.call('review/label-sets', { datasetId: summary.datasetId })
      const imported = sets.find((s) => s.id === summary.labelSetId)!
      expect(imported).toMatchObject({ kind: 'ground_truth', name, faces: 77 })

      // The sample folder holds every image the file names, so the labels join its dataset.
      const dataset = (await api.call('datasets/list', {})).find((d) => d.root === SAMPLE_DIR)!
      expect(summary.datasetId).toBe(dataset.id)
      const images = await api.call('images/list', { datasetId: summary.datasetId })
      const perImage = await Promise.all(
        images.map((image) =>
          api.call('faces/list', { imageId: image.id, labelSetId: imported.id }),
        ),
      )
      expect(images).toHaveLength(40)
      expect(perImage.filter((list) => list.faces.length > 0)).toHaveLength(17)
      expect(perImage.reduce((n, list) => n + list.faces.length, 0)).toBe(77)
      await expect(page.locator(`datalist option[value="${dataset.root}"]`)).toHaveCount(1)
    })
  })
})
