import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { LabelsJobInfo } from '../../src/shared/api'
import { createApi, type ApiService } from '../../src/main/api/handlers'
import { createAppContext, type AppContext } from '../../src/main/jobs/context'
import { parseCoco } from '../../src/main/formats/coco'
import { casesDir } from '../support/shared'

let dir: string
let ctx: AppContext
let api: ApiService

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-labels-api-'))
  ctx = createAppContext({ dbFile: join(dir, 'labels.sqlite'), dataDir: dir })
  api = createApi(ctx)
})
afterEach(async () => {
  api.close()
  await ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Polls a label job the way the renderer does until it settles. */
async function settled(job: LabelsJobInfo): Promise<LabelsJobInfo> {
  for (;;) {
    const now = await api.handlers['labels/job']({ jobId: job.id })
    if (now.state !== 'running') return now
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('when the window imports and exports labels', () => {
  it('runs both as polled jobs and reports the summary', async () => {
    const label = join(casesDir, 'retinaface-missing-landmarks/label.txt')
    const imported = await settled(
      await api.handlers['labels/import']({ format: 'retinaface', path: label, name: 'gt' }),
    )
    expect(imported.state).toBe('finished')
    expect(imported.summary).toMatchObject({ images: 2, faces: 3, out: null, notes: [] })

    const out = join(dir, 'coco')
    const exported = await settled(
      await api.handlers['labels/export']({
        datasetId: imported.summary!.datasetId,
        labelSetId: imported.summary!.labelSetId,
        format: 'coco',
        out,
      }),
    )
    expect(exported.state).toBe('finished')
    const coco = parseCoco(readFileSync(join(out, 'annotations.json'), 'utf8'))
    expect(coco.images.flatMap((i) => i.faces)).toHaveLength(3)
  })

  it('refuses a relative path before any job starts', async () => {
    const result = await api.dispatch('labels/import', { format: 'coco', path: 'x.json' })
    expect(result.ok).toBe(false)
  })

  it('reports a malformed file as a failed job with file and line', async () => {
    const job = await settled(
      await api.handlers['labels/import']({
        format: 'wider',
        path: join(casesDir, 'retinaface-missing-landmarks/label.txt'),
      }),
    )
    expect(job.state).toBe('failed')
    expect(job.error?.message).toMatch(/label\.txt:\d+:/)
  })
})
