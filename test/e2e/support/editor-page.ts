import { expect, type Locator, type Page } from '@playwright/test'

import type { Box } from '../../../src/shared/face'
import { AppPage } from './app-page'

/** A point in page (CSS) pixels. */
export interface PagePoint {
  x: number
  y: number
}

/**
 * The editor as an annotator drives it: mouse gestures in image coordinates (converted with
 * the viewer's live transform), keys, and the side panel. Positions sent to the mouse are
 * whole CSS pixels, and `toImage` converts them back exactly as the app does, so a spec can
 * predict the stored coordinates to the last bit.
 */
export class EditorPage extends AppPage {
  readonly toolbar: Locator
  readonly inspector: Locator
  readonly undoButton: Locator
  readonly redoButton: Locator
  readonly saveState: Locator
  readonly suggestion: Locator
  readonly hint: Locator

  constructor(page: Page) {
    super(page)
    this.toolbar = page.getByTestId('editor-toolbar')
    this.inspector = page.getByTestId('face-inspector')
    this.undoButton = page.getByTestId('undo')
    this.redoButton = page.getByTestId('redo')
    this.saveState = page.getByTestId('save-state')
    this.suggestion = page.getByTestId('suggestion')
    this.hint = page.getByTestId('editor-hint')
  }

  /** Where an image point is on the page, rounded to a whole CSS pixel. */
  async toPage(x: number, y: number): Promise<PagePoint> {
    const rect = (await this.canvas.boundingBox())!
    const view = await this.viewTransform()
    return {
      x: Math.round(rect.x + view.offsetX + x * view.scale),
      y: Math.round(rect.y + view.offsetY + y * view.scale),
    }
  }

  /** The image point under a page point, computed as the app computes it. */
  async toImage(p: PagePoint): Promise<{ x: number; y: number }> {
    const rect = (await this.canvas.boundingBox())!
    const view = await this.viewTransform()
    return {
      x: (p.x - rect.x - view.offsetX) / view.scale,
      y: (p.y - rect.y - view.offsetY) / view.scale,
    }
  }

  /** Press, move in steps, release: one drag as a hand makes it. */
  async drag(from: PagePoint, to: PagePoint, steps = 6): Promise<void> {
    await this.page.mouse.move(from.x, from.y)
    await this.page.mouse.down()
    await this.page.mouse.move(to.x, to.y, { steps })
    await this.page.mouse.up()
  }

  async clickAt(p: PagePoint, modifiers: ('Shift' | 'Alt')[] = []): Promise<void> {
    for (const m of modifiers) await this.page.keyboard.down(m)
    await this.page.mouse.click(p.x, p.y)
    for (const m of modifiers) await this.page.keyboard.up(m)
  }

  /** Selects a face by clicking inside its box, away from its landmarks. */
  async selectFace(box: Box): Promise<void> {
    const p = await this.toPage(box.x + box.width * 0.1, box.y + box.height * 0.92)
    await this.clickAt(p)
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys)
  }

  /** Waits until every write has been answered. */
  async settled(): Promise<void> {
    await expect(this.saveState).not.toHaveAttribute('data-state', 'saving')
  }

  async zoomTo(scale: number): Promise<void> {
    await expect(this.viewer).toHaveAttribute('data-state', 'ready')
    const current = (await this.viewTransform()).scale
    await this.page.evaluate(() => undefined)
    // Zoom with keys about the canvas centre until at least `scale`.
    for (let s = current; s < scale; s *= 1.25) await this.press('=')
  }
}
