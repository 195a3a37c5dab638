import { mkdir } from 'node:fs/promises'
import { test, expect } from '@playwright/test'

import type { Box } from '../../src/shared/face'
import type { ImageRecord, StoredFace } from '../../src/shared/records'
import { EditorPage } from './support/editor-page'
import { SAMPLE_DIR, SERVER_URL_ENV } from './support/paths'
import { serverApi, type ServerApi } from './support/server-api'

/** Stored coordinates must equal what the mouse did, converted exactly: float noise only. */
const EXACT = 1e-6

const url = () => process.env[SERVER_URL_ENV]!

/** The image with the largest fully visible proposal: room to grab its points. */
async function pickImage(api: ServerApi): Promise<{ image: ImageRecord; face: StoredFace }> {
  const [dataset] = (await api.call('datasets/list', {})).filter((d) => d.root === SAMPLE_DIR)
  const images = await api.call('images/list', { datasetId: dataset.id })
  let best: { image: ImageRecord; face: StoredFace } | null = null
  for (const image of images.filter((i) => i.faceCount >= 2 && i.faceCount <= 40)) {
    const { faces } = await api.call('faces/list', { imageId: image.id })
    for (const face of faces) {
      const ok = face.source === 'model' && face.landmarks.every((p) => p.visibility === 'visible')
      if (ok && (!best || face.box.width > best.face.box.width)) best = { image, face }
    }
  }
  return best!
}

/** A square of `side` image pixels that overlaps no face, scanning the image in a grid. */
function emptySpot(faces: StoredFace[], image: ImageRecord, side: number): Box {
  const overlaps = (b: Box) =>
    faces.some(
      (f) =>
        b.x < f.box.x + f.box.width + 4 &&
        f.box.x < b.x + b.width + 4 &&
        b.y < f.box.y + f.box.height + 4 &&
        f.box.y < b.y + b.height + 4,
    )
  for (let y = side; y < image.height! - 2 * side; y += side / 2) {
    for (let x = side; x < image.width! - 2 * side; x += side / 2) {
      const box = { x, y, width: side, height: side }
      if (!overlaps(box)) return box
    }
  }
  throw new Error('no empty spot on the image')
}

async function faceById(api: ServerApi, imageId: number, id: number) {
  const { faces } = await api.call('faces/list', { imageId })
  return faces.find((f) => f.id === id)
}

function expectClose(actual: number, expected: number, label: string, tolerance = EXACT) {
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThan(tolerance)
}

test.describe('when an annotator edits faces', () => {
  test('draws, drags, changes visibility, undoes and redoes, and SQLite holds each step', async ({
    page,
  }) => {
    const editor = new EditorPage(page)
    const api = serverApi(url())
    await editor.goto(url())
    await editor.openFolder(SAMPLE_DIR)
    await editor.waitForPreAnnotation()

    const { image, face } = await pickImage(api)
    await editor.selectImage(image.id)
    await editor.waitForImage(image.id)
    const before = (await api.call('faces/list', { imageId: image.id })).faces

    let drawnId = 0
    await test.step('draw a new box on empty space', async () => {
      const spot = emptySpot(before, image, Math.max(30, image.width! / 20))
      const from = await editor.toPage(spot.x, spot.y)
      const to = await editor.toPage(spot.x + spot.width, spot.y + spot.height)
      await editor.drag(from, to)
      await editor.settled()

      const a = await editor.toImage(from)
      const b = await editor.toImage(to)
      const { faces } = await api.call('faces/list', { imageId: image.id })
      expect(faces.length).toBe(before.length + 1)
      const drawn = faces.find((f) => !before.some((o) => o.id === f.id))!
      drawnId = drawn.id
      expect(drawn.source).toBe('human')
      expectClose(drawn.box.x, a.x, 'box x')
      expectClose(drawn.box.y, a.y, 'box y')
      expectClose(drawn.box.width, b.x - a.x, 'box width')
      expectClose(drawn.box.height, b.y - a.y, 'box height')
      await expect(editor.undoButton).toHaveAttribute('data-next', 'Draw face')
      expect((await api.call('images/get', { imageId: image.id })).status).toBe('in_progress')
    })

    const nose = face.landmarks[2]
    let moved = { x: 0, y: 0 }
    await test.step('zoom in and drag the nose of a proposal by a few screen pixels', async () => {
      await editor.selectFace(face.box)
      await expect(editor.inspector).toHaveAttribute('data-face-id', String(face.id))
      await editor.press('z')
      await editor.waitForImage(image.id)
      const from = await editor.toPage(nose.x, nose.y)
      const to = { x: from.x + 7, y: from.y - 3 }
      const grab = await editor.toImage(from)
      const drop = await editor.toImage(to)
      await editor.drag(from, to)
      await editor.settled()

      moved = { x: nose.x + drop.x - grab.x, y: nose.y + drop.y - grab.y }
      const stored = (await faceById(api, image.id, face.id))!
      expect(stored.source, 'an edited proposal is a human label').toBe('human')
      expectClose(stored.landmarks[2].x, moved.x, 'nose x')
      expectClose(stored.landmarks[2].y, moved.y, 'nose y')
      expect(stored.landmarks[0]).toEqual(face.landmarks[0])
      expect(stored.box).toEqual(face.box)
      await expect(editor.undoButton).toHaveAttribute('data-next', 'Move nose')
    })

    await test.step('mark the nose occluded in the panel, then cycle the left eye with V', async () => {
      await page.getByTestId('visibility-2-occluded').click()
      await editor.settled()
      await expect
        .poll(async () => (await faceById(api, image.id, face.id))!.landmarks[2].visibility)
        .toBe('occluded')

      await editor.press('1')
      await editor.press('v')
      await editor.settled()
      await expect
        .poll(async () => (await faceById(api, image.id, face.id))!.landmarks[0].visibility)
        .toBe('occluded')
    })

    await test.step('undo three steps: visibilities, then the drag; the proposal is back', async () => {
      await editor.press('Control+z')
      await editor.press('Control+z')
      await editor.settled()
      const partly = (await faceById(api, image.id, face.id))!
      expect(partly.landmarks.map((p) => p.visibility)).toEqual(Array(5).fill('visible'))
      expectClose(partly.landmarks[2].x, moved.x, 'nose x after two undos')

      await editor.press('Control+z')
      await editor.settled()
      const restored = (await faceById(api, image.id, face.id))!
      expect(restored.source, 'undo restores provenance too').toBe('model')
      expect(restored.landmarks).toEqual(face.landmarks)
      expect(restored.box).toEqual(face.box)
      await expect(editor.redoButton).toHaveAttribute('data-depth', '3')
    })

    await test.step('redo the drag', async () => {
      await editor.press('Control+Shift+z')
      await editor.settled()
      const again = (await faceById(api, image.id, face.id))!
      expect(again.source).toBe('human')
      expectClose(again.landmarks[2].x, moved.x, 'nose x after redo')
      expectClose(again.landmarks[2].y, moved.y, 'nose y after redo')
    })

    await test.step('delete the drawn face, undo brings the same data back', async () => {
      const drawn = (await faceById(api, image.id, drawnId))!
      await page
        .getByTestId('face')
        .and(page.locator(`[data-face-id="${drawnId}"]`))
        .click()
      await editor.press('Delete')
      await editor.settled()
      expect(await faceById(api, image.id, drawnId)).toBeUndefined()

      await editor.press('Control+z')
      await editor.settled()
      const { faces } = await api.call('faces/list', { imageId: image.id })
      const back = faces.find((f) => f.box.x === drawn.box.x && f.box.y === drawn.box.y)!
      expect(back, 'the deleted face is back').toBeDefined()
      expect({ ...back, id: 0, createdAt: '', updatedAt: '' }).toEqual({
        ...drawn,
        id: 0,
        createdAt: '',
        updatedAt: '',
      })
    })

    await test.step('switch image and back: SQLite unchanged, the history kept', async () => {
      const snapshot = (await api.call('faces/list', { imageId: image.id })).faces
      const depth = await editor.undoButton.getAttribute('data-depth')
      await editor.stepDown()
      await expect(editor.viewer).not.toHaveAttribute('data-image-id', String(image.id))
      await expect(editor.viewer).toHaveAttribute('data-state', 'ready')
      await expect(editor.undoButton).toHaveAttribute('data-depth', '0')
      await editor.press('ArrowUp')
      await editor.waitForImage(image.id)
      expect((await api.call('faces/list', { imageId: image.id })).faces).toEqual(snapshot)
      await expect(editor.undoButton).toHaveAttribute('data-depth', depth!)
    })

    await test.step('accept every proposal above the threshold, mark the image done', async () => {
      await editor.press('Shift+Enter')
      await editor.settled()
      const { faces } = await api.call('faces/list', { imageId: image.id })
      expect(faces.filter((f) => f.source === 'model')).toEqual([])
      const moved2 = faces.find((f) => f.id === face.id)!
      expectClose(moved2.landmarks[2].x, moved.x, 'accepting moves nothing')

      await editor.press('Control+Enter')
      await expect
        .poll(async () => (await api.call('images/get', { imageId: image.id })).status)
        .toBe('done')
      await expect(
        editor.imageRows.and(page.locator(`[data-image-id="${image.id}"]`)),
      ).toHaveAttribute('data-status', 'done')
    })
  })

  test('offers the detector landmarks for a box drawn by hand, accepted with Enter', async ({
    page,
  }) => {
    const editor = new EditorPage(page)
    const api = serverApi(url())
    await editor.goto(url())
    await editor.openFolder(SAMPLE_DIR)
    await editor.waitForPreAnnotation()
    const { image, face } = await pickImage(api)
    await editor.selectImage(image.id)
    await editor.waitForImage(image.id)

    // B draws even on top of the proposal; the box is the proposal's, to whole screen pixels.
    await editor.press('b')
    await expect(editor.hint).toContainText('Drag to draw')
    const from = await editor.toPage(face.box.x, face.box.y)
    const to = await editor.toPage(face.box.x + face.box.width, face.box.y + face.box.height)
    await editor.drag(from, to)
    await expect(editor.suggestion).toBeVisible({ timeout: 30_000 })
    await editor.press('Enter')
    await editor.settled()
    await expect(editor.undoButton).toHaveAttribute('data-next', 'Accept suggested landmarks')

    const { faces } = await api.call('faces/list', { imageId: image.id })
    const drawn = faces.find((f) => f.source === 'human' && f.score === null && f.landmarks.length)!
    expect(drawn).toBeDefined()
    const tolerance = face.box.width * 0.1
    drawn.landmarks.forEach((p, i) => {
      expectClose(p.x, face.landmarks[i].x, `assisted point ${i} x`, tolerance)
      expectClose(p.y, face.landmarks[i].y, `assisted point ${i} y`, tolerance)
    })
  })

  test('shows the editor with a selected face, its landmarks and attributes', async ({ page }) => {
    const editor = new EditorPage(page)
    const api = serverApi(url())
    await editor.goto(url())
    await editor.openFolder(SAMPLE_DIR)
    await editor.waitForPreAnnotation()
    const [dataset] = (await api.call('datasets/list', {})).filter((d) => d.root === SAMPLE_DIR)
    const images = await api.call('images/list', { datasetId: dataset.id })
    const sample =
      images.find((i) => i.relPath.includes('houseparty_50_17')) ??
      images.find((i) => i.faceCount >= 4)!
    await editor.selectImage(sample.id)
    await editor.waitForImage(sample.id)
    const { faces } = await api.call('faces/list', { imageId: sample.id })
    const biggest = faces.reduce((a, b) => (b.box.width > a.box.width ? b : a))
    await editor.selectFace(biggest.box)
    await editor.press('3')
    await expect(page.getByTestId('landmark-row-2')).toHaveClass(/active/)

    const file = process.env.FACEMARK_UPDATE_SCREENSHOT
      ? 'docs/editor.png'
      : test.info().outputPath('editor.png')
    if (file.startsWith('docs/')) await mkdir('docs', { recursive: true })
    await page.screenshot({ path: file })
  })
})
