import { isAbsolute } from 'node:path'

import { ApiError } from '../../shared/api-error'
import type { ApiParsedRequest, ApiResponse } from '../../shared/api'
import type { LabelSetRecord } from '../../shared/records'
import type { ReviewLabelSet } from '../../shared/review'
import type { AppContext } from '../jobs/context'
import { copyFaceToSet, deleteReviewedFace, judgeFace, ReviewFixError } from '../review/fixes'
import { importGroundTruth } from '../review/import-gt'
import { reviewLabelSets, ReviewRequestError } from '../review/load'
import { getDataset } from '../store/datasets'
import { annotationSet, listLabelSets } from '../store/label-sets'
import { getRun } from '../store/runs'
import { statement } from '../store/statements'

type ReviewChannel =
  | 'review/label-sets'
  | 'review/import-gt'
  | 'review/compare'
  | 'review/set-verdict'
  | 'review/copy-face'
  | 'review/delete-face'

type ReviewHandlers = {
  [C in ReviewChannel]: (request: ApiParsedRequest<C>) => Promise<ApiResponse<C>>
}

/** The review window's channels: list and import sets, compare two, judge and fix cases. */
export function reviewHandlers(ctx: AppContext): ReviewHandlers {
  return {
    'review/label-sets': async ({ datasetId }) => {
      requireDataset(ctx, datasetId)
      // The working set exists from the first edit on; list it even before.
      annotationSet(ctx.db, datasetId)
      return listLabelSets(ctx.db, datasetId).map((set) => describeSet(ctx, set))
    },

    'review/import-gt': async ({ datasetId, path }) => {
      requireDataset(ctx, datasetId)
      if (!isAbsolute(path)) {
        throw new ApiError(
          'invalid_request',
          `Give the full path of the ground truth, not "${path}".`,
        )
      }
      return guard(() => importGroundTruth(ctx.db, datasetId, path))
    },

    'review/compare': async ({ predSetId, gtSetId, options }) =>
      guard(() => reviewLabelSets(ctx.db, { predSetId, gtSetId, options })),

    'review/set-verdict': async ({ faceId, verdict }) => {
      guard(() => judgeFace(ctx.db, faceId, verdict))
      return { faceId, verdict }
    },

    'review/copy-face': async ({ faceId, labelSetId }) =>
      guard(() => copyFaceToSet(ctx.db, faceId, labelSetId)),

    'review/delete-face': async ({ faceId }) => {
      guard(() => deleteReviewedFace(ctx.db, faceId))
      return { faceId }
    },
  }
}

function describeSet(ctx: AppContext, set: LabelSetRecord): ReviewLabelSet {
  const faces = statement(ctx.db, 'SELECT COUNT(*) FROM faces WHERE label_set_id = ?')
    .pluck(true)
    .get(set.id) as number
  const run = set.runId === null ? null : (getRun(ctx.db, set.runId) ?? null)
  return { ...set, faces, run }
}

/** Core refusals become typed API errors; anything else stays an internal error. */
function guard<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof ReviewFixError) throw new ApiError(error.code, error.message)
    if (error instanceof ReviewRequestError) throw new ApiError('invalid_request', error.message)
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new ApiError('not_found', `Nothing at that path: ${error.message}`)
    }
    throw error
  }
}

function requireDataset(ctx: AppContext, datasetId: number): void {
  if (!getDataset(ctx.db, datasetId)) {
    throw new ApiError('not_found', `No dataset ${datasetId}; reopen its folder.`)
  }
}
