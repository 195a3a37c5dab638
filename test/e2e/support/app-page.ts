import { expect, type Locator, type Page } from '@playwright/test'

import type { StoredFace } from '../../../src/shared/records'

/** One face as the page reports it drew it (data attributes on `[data-testid=face]`). */
export interface DrawnFaceData {
  id: number
  x: number
  y: number
  width: number
  height: number
  score: number | null
  color: string
  landmarks: { x: number; y: number; visibility: string }[]
}

interface Canvas2d {
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  }
}

/** The app as a user sees it: one field per control, one method per user action. */
export class AppPage {
  readonly folderPath: Locator
  readonly openButton: Locator
  readonly error: Locator
  readonly jobProgress: Locator
  readonly imageList: Locator
  readonly imageRows: Locator
  readonly viewer: Locator
  readonly canvas: Locator
  readonly faces: Locator
  readonly legend: Locator

  constructor(readonly page: Page) {
    this.folderPath = page.getByTestId('folder-path')
    this.openButton = page.getByTestId('open-folder-submit')
    this.error = page.getByTestId('error')
    this.jobProgress = page.getByTestId('job-progress')
    this.imageList = page.getByTestId('image-list')
    this.imageRows = page.getByTestId('image-row')
    this.viewer = page.getByTestId('viewer')
    this.canvas = page.getByTestId('viewer-canvas')
    this.faces = page.getByTestId('face')
    this.legend = page.getByTestId('landmark-legend')
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.page.getByTestId('app')).toBeVisible()
  }

  async openFolder(path: string): Promise<void> {
    await this.folderPath.fill(path)
    await this.openButton.click()
  }

  async waitForPreAnnotation(timeout = 110_000): Promise<void> {
    await expect(this.jobProgress).toHaveAttribute('data-state', 'finished', { timeout })
  }

  async selectImage(imageId: number): Promise<void> {
    await this.imageRows.and(this.page.locator(`[data-image-id="${imageId}"]`)).click()
  }

  async stepDown(): Promise<void> {
    await this.page.keyboard.press('ArrowDown')
  }

  /** Waits until the canvas shows `imageId` with all its faces painted. */
  async waitForImage(imageId: number): Promise<void> {
    await expect(this.viewer).toHaveAttribute('data-image-id', String(imageId))
    await expect(this.viewer).toHaveAttribute('data-state', 'ready')
  }

  async drawnFaces(): Promise<DrawnFaceData[]> {
    return this.faces.evaluateAll((items) =>
      items.map((item) => {
        const data = (item as unknown as { dataset: Record<string, string | undefined> }).dataset
        return {
          id: Number(data.faceId),
          x: Number(data.x),
          y: Number(data.y),
          width: Number(data.w),
          height: Number(data.h),
          score: data.score ? Number(data.score) : null,
          color: data.color ?? '',
          landmarks: (data.landmarks ?? '')
            .split(';')
            .filter(Boolean)
            .map((point: string) => {
              const [x, y, visibility] = point.split(',')
              return { x: Number(x), y: Number(y), visibility }
            }),
        }
      }),
    )
  }

  async viewTransform(): Promise<{ scale: number; offsetX: number; offsetY: number }> {
    const read = async (name: string) => Number(await this.viewer.getAttribute(name))
    return {
      scale: await read('data-view-scale'),
      offsetX: await read('data-offset-x'),
      offsetY: await read('data-offset-y'),
    }
  }

  /**
   * Reads canvas pixels on the left edge of each stored face's box, placed with the viewer's
   * transform, and returns the faces whose pixel is not a box colour. Boxes are painted last,
   * so a fully covered edge pixel must be exactly a box colour. Also says how many it probed.
   */
  async probeBoxEdges(
    faces: StoredFace[],
    boxColors: string[],
  ): Promise<{ probed: number; missing: number[] }> {
    const view = await this.viewTransform()
    const probes = faces
      .map((face) => ({
        id: face.id,
        x: Math.floor(view.offsetX + face.box.x * view.scale),
        y: Math.floor(view.offsetY + (face.box.y + face.box.height / 2) * view.scale),
        screenHeight: face.box.height * view.scale,
      }))
      // Below 4 screen pixels the edge is too short to name one covered pixel.
      .filter((probe) => probe.screenHeight >= 4)

    const missing = await this.canvas.evaluate(
      (canvas, { probes, colors }) => {
        // Typed by hand: the tests compile without the DOM library.
        const ctx = (canvas as unknown as Canvas2d).getContext('2d')
        const rgb = colors.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)))
        return probes
          .filter(({ x, y }) => {
            const pixel = ctx.getImageData(x, y, 1, 1).data
            return !rgb.some((c) => c.every((value, i) => Math.abs(value - pixel[i]) <= 2))
          })
          .map(({ id }) => id)
      },
      { probes, colors: boxColors },
    )
    return { probed: probes.length, missing }
  }
}
