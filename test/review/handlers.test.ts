import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createApi, type ApiService } from '../../src/main/api/handlers'
import type { AppContext } from '../../src/main/jobs/context'
import { ensureDataset } from '../../src/main/store/datasets'
import { insertFace } from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { createLabelSet } from '../../src/main/store/label-sets'
import type { ReviewReport } from '../../src/shared/review'
import { memoryContext } from '../api/helpers'
import { GROUND_TRUTH } from '../eval/paths'
import { drawn, META } from '../store/helpers'

let ctx: AppContext
let api: ApiService
let datasetId: number
let predSetId: number

beforeEach(() => {
  ctx = memoryContext()
  api = createApi(ctx)
  datasetId = ensureDataset(ctx.db, '/data/wider').id
  const imageId = upsertImage(ctx.db, datasetId, 'val/images/56--Voter/x.jpg', META).id
  upsertImage(ctx.db, datasetId, 'val/images/56--Voter/56_Voter_peoplevoting_56_103.jpg', META)
  predSetId = createLabelSet(ctx.db, datasetId, 'predictions', 'run').id
  insertFace(ctx.db, predSetId, imageId, { ...drawn(0, 0, 30, 30), score: 0.9 }, 'model')
})

afterEach(async () => {
  api.close()
  await ctx.close()
})

describe('when the window reviews through the API', () => {
  it('lists the sets, imports ground truth and compares', async () => {
    const imported = await api.dispatch('review/import-gt', { datasetId, path: GROUND_TRUTH })
    expect(imported).toMatchObject({ ok: true, value: { source: 'mat', images: 1, faces: 1 } })

    const sets = await api.dispatch('review/label-sets', { datasetId })
    expect(sets.ok && sets.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'predictions', faces: 1, run: null }),
        expect.objectContaining({ kind: 'ground_truth', faces: 1 }),
        expect.objectContaining({ kind: 'annotation', faces: 0 }),
      ]),
    )

    const gtSetId = imported.ok ? (imported.value as { labelSet: { id: number } }).labelSet.id : 0
    const result = await api.dispatch('review/compare', {
      predSetId,
      gtSetId,
      options: { iouThreshold: 0.5 },
    })
    expect(result.ok).toBe(true)
    const report = (result as { value: ReviewReport }).value
    // The one voter face is missed: nothing was predicted on its image.
    expect(report.images).toBe(1)
    expect(report.counts.miss).toBe(1)
    expect(report.settings.map((s) => s.setting)).toEqual(['easy', 'medium', 'hard'])
  })

  it('refuses a relative path, out-of-range options and fixes to a run', async () => {
    const relative = await api.dispatch('review/import-gt', { datasetId, path: 'gt' })
    const badIou = await api.dispatch('review/compare', {
      predSetId,
      gtSetId: predSetId,
      options: { iouThreshold: 2 },
    })
    const sameSet = await api.dispatch('review/compare', { predSetId, gtSetId: predSetId })
    const copyToRun = await api.dispatch('review/copy-face', { faceId: 1, labelSetId: predSetId })

    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(badIou).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(sameSet).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(copyToRun).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
  })

  it('records a verdict', async () => {
    const result = await api.dispatch('review/set-verdict', {
      faceId: 1,
      verdict: 'detector_wrong',
    })

    expect(result).toEqual({ ok: true, value: { faceId: 1, verdict: 'detector_wrong' } })
  })
})
