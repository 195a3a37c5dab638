import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test, expect } from '@playwright/test'
import sharp from 'sharp'

import { DISPLAY_MAX_SIDE, TILE_MAX_SIDE } from '../../src/shared/display-image'
import { EditorPage } from './support/editor-page'
import { SERVER_URL_ENV } from './support/paths'
import { serverApi } from './support/server-api'

const CASES = resolve(process.env.FACE_CASES_DIR ?? '../shared/cases', 'huge-images')
const PHOTO = join(CASES, 'BR-19_8000x6000.jpg')

/** Canvas pixels, read in the page (one device pixel per CSS pixel, as the config sets). */
interface Canvas2d {
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  }
}

/**
 * Pixels of the tiny face where the original differs most from the downscaled display image,
 * so a probe that passes proves the pixels shown are the original's, not a resampled copy.
 */
async function telltalePixels(box: { x: number; y: number; width: number; height: number }) {
  const region = {
    left: Math.floor(box.x),
    top: Math.floor(box.y),
    width: Math.ceil(box.width),
    height: Math.ceil(box.height),
  }
  const full = await sharp(PHOTO).rotate().extract(region).raw().toBuffer()
  // What the display image shows there: the whole photo at 4096 px, then blown up again.
  const { width: w = 0 } = await sharp(PHOTO).metadata()
  const k = DISPLAY_MAX_SIDE / w
  const small = await sharp(PHOTO).rotate().resize(DISPLAY_MAX_SIDE).raw().toBuffer({
    resolveWithObject: true,
  })
  const candidates: { x: number; y: number; rgb: number[]; gap: number }[] = []
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const i = (y * region.width + x) * 3
      const rgb = [full[i], full[i + 1], full[i + 2]]
      const sx = Math.floor((region.left + x + 0.5) * k)
      const sy = Math.floor((region.top + y + 0.5) * k)
      const j = (sy * small.info.width + sx) * 3
      const gap = Math.max(...rgb.map((v, c) => Math.abs(v - small.data[j + c])))
      candidates.push({ x: region.left + x, y: region.top + y, rgb, gap })
    }
  }
  return candidates.sort((a, b) => b.gap - a.gap).slice(0, 6)
}

test.describe('when an annotator zooms into a photo larger than the display image', () => {
  test.skip(!existsSync(PHOTO), `the huge-images case is not at ${CASES}`)

  test('shows the original pixels of a tiny face, fetched as bounded tiles', async ({ page }) => {
    const dir = await mkdtemp(join(tmpdir(), 'facemark-huge-'))
    await copyFile(PHOTO, join(dir, 'BR-19_8000x6000.jpg'))
    const expected = JSON.parse(
      await readFile(join(CASES, 'BR-19_8000x6000_expected.json'), 'utf8'),
    ) as { faces: { box_xywh: [number, number, number, number] }[] }
    const [x, y, width, height] = expected.faces.find((f) => f.box_xywh[2] < 100)!.box_xywh
    const face = { x, y, width, height }

    const tiles: URL[] = []
    page.on('request', (r) => {
      if (r.url().includes('/tile/')) tiles.push(new URL(r.url()))
    })

    const editor = new EditorPage(page)
    const api = serverApi(process.env[SERVER_URL_ENV]!)
    try {
      await editor.goto(process.env[SERVER_URL_ENV]!)
      await editor.openFolder(dir)
      await editor.waitForPreAnnotation()
      const [dataset] = (await api.call('datasets/list', {})).filter((d) => d.root === dir)
      const [image] = await api.call('images/list', { datasetId: dataset.id })
      // No boxes or points over the pixels to probe: only the photo is on the canvas.
      const { faces } = await api.call('faces/list', { imageId: image.id })
      if (faces.length) await api.call('faces/delete', { faceIds: faces.map((f) => f.id) })

      await editor.selectImage(image.id)
      await editor.waitForImage(image.id)
      expect(tiles, 'fitted, the display image is enough').toEqual([])

      // Wheel-zoom about the tiny face until one image pixel spans 8 screen pixels.
      const centre = await editor.toPage(face.x + face.width / 2, face.y + face.height / 2)
      await page.mouse.move(centre.x, centre.y)
      for (let scale = (await editor.viewTransform()).scale; scale < 8;) {
        await page.mouse.wheel(0, -300)
        const before = scale
        await expect
          .poll(async () => (scale = (await editor.viewTransform()).scale))
          .not.toBe(before)
      }

      const probes = await telltalePixels(face)
      expect(probes[0].gap, 'the display image differs from the original here').toBeGreaterThan(24)
      const read = async () => {
        const view = await editor.viewTransform()
        const at = probes.map((p) => ({
          x: Math.floor(view.offsetX + (p.x + 0.5) * view.scale),
          y: Math.floor(view.offsetY + (p.y + 0.5) * view.scale),
        }))
        const shown = await editor.canvas.evaluate(
          (canvas, points) =>
            points.map(({ x, y }) =>
              Array.from(
                (canvas as unknown as Canvas2d).getContext('2d').getImageData(x, y, 1, 1).data,
              ),
            ),
          at,
        )
        return Math.max(
          ...probes.map((p, i) => Math.max(...p.rgb.map((v, c) => Math.abs(v - shown[i][c])))),
        )
      }
      await expect.poll(read, { message: 'canvas pixels equal the original' }).toBeLessThan(3)

      expect(tiles.length).toBeGreaterThan(0)
      for (const url of tiles) {
        expect(Number(url.searchParams.get('w'))).toBeLessThanOrEqual(TILE_MAX_SIDE)
        expect(Number(url.searchParams.get('h'))).toBeLessThanOrEqual(TILE_MAX_SIDE)
      }

      // Roam across the photo at 1:1, resting after each pan so its tiles arrive: the tiles
      // held stay within the cap.
      await editor.press('0')
      for (let i = 0; i < 10; i++) {
        await page.mouse.move(1000, 450)
        await page.mouse.down({ button: 'middle' })
        await page.mouse.move(300, 450, { steps: 3 })
        await page.mouse.up({ button: 'middle' })
        await page.waitForTimeout(250)
      }
      const held = await page.evaluate(() =>
        (window as unknown as { __facemarkTilesHeld: () => number }).__facemarkTilesHeld(),
      )
      expect(held).toBeLessThanOrEqual(96)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
