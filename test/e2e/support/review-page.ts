import { expect, type Locator, type Page } from '@playwright/test'

/** The review panel as a user sees it: one field per control, one method per action. */
export class ReviewPage {
  readonly openButton: Locator
  readonly panel: Locator
  readonly gtPath: Locator
  readonly importButton: Locator
  readonly predSelect: Locator
  readonly gtSelect: Locator
  readonly apRows: Locator
  readonly cases: Locator

  constructor(readonly page: Page) {
    this.openButton = page.getByTestId('review-open')
    this.panel = page.getByTestId('review-panel')
    this.gtPath = page.getByTestId('review-gt-path')
    this.importButton = page.getByTestId('review-gt-import')
    this.predSelect = page.getByTestId('review-pred')
    this.gtSelect = page.getByTestId('review-gt')
    this.apRows = page.getByTestId('review-ap')
    this.cases = page.getByTestId('review-case')
  }

  async open(): Promise<void> {
    await this.openButton.click()
    await expect(this.panel).toBeVisible()
  }

  /** Imports ground truth; the panel compares as soon as the import is done. */
  async importGroundTruth(path: string): Promise<void> {
    await this.gtPath.fill(path)
    await this.importButton.click()
    await expect(this.panel).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 })
  }

  /** AP per setting exactly as the page holds it (the attribute carries every digit). */
  async apBySetting(): Promise<Record<string, number>> {
    const rows = await this.apRows.evaluateAll((items) =>
      items.map((item) => {
        const data = (item as unknown as { dataset: Record<string, string> }).dataset
        return [data.setting, Number(data.ap)] as const
      }),
    )
    return Object.fromEntries(rows)
  }

  async selectedSets(): Promise<{ pred: number; gt: number }> {
    return {
      pred: Number(await this.predSelect.inputValue()),
      gt: Number(await this.gtSelect.inputValue()),
    }
  }
}
