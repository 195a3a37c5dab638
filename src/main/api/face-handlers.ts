import { ApiError } from '../../shared/api-error'
import type { ImageRecord } from '../../shared/records'
import type { AppContext } from '../jobs/context'
import {
  acceptFaces,
  deleteFaces,
  getFace,
  insertFace,
  restoreFace,
  updateFace,
} from '../store/faces'
import { markImageStarted } from '../store/images'
import { annotationSet } from '../store/label-sets'
import type { ApiHandlers } from './handlers'
import { suggestLandmarks } from './suggest-landmarks'

/** The face-editing channels the editor writes through; every change is one transaction. */
type FaceHandlers = Pick<
  ApiHandlers,
  | 'faces/create'
  | 'faces/update'
  | 'faces/restore'
  | 'faces/delete'
  | 'faces/accept'
  | 'faces/suggest-landmarks'
>

/** What the face handlers borrow from the main handler module. */
export interface FaceHandlerDeps {
  requireImage(imageId: number): ImageRecord
  imageFile(image: ImageRecord): string
}

/**
 * Handlers of the editor's channels. Only faces of a dataset's annotation set may change:
 * prediction and ground-truth sets record what a model or a file said. The first edit of an
 * image moves it from `todo` to `in_progress`.
 */
export function faceHandlers(ctx: AppContext, deps: FaceHandlerDeps): FaceHandlers {
  /** A face a person may change: it exists and lies in its dataset's annotation set. */
  function editable(faceId: number) {
    const face = getFace(ctx.db, faceId)
    if (!face) throw new ApiError('not_found', `No face ${faceId}; it may have been deleted.`)
    const image = deps.requireImage(face.imageId)
    if (annotationSet(ctx.db, image.datasetId).id !== face.labelSetId) {
      throw new ApiError('forbidden', `Face ${faceId} is a prediction or import; edit a copy.`)
    }
    return face
  }

  function started(imageIds: Iterable<number>): void {
    for (const imageId of new Set(imageIds)) markImageStarted(ctx.db, imageId)
  }

  return {
    'faces/create': async ({ imageId, face, source, runId, originFaceId }) => {
      const image = deps.requireImage(imageId)
      const set = annotationSet(ctx.db, image.datasetId)
      const extra = { runId, originFaceId }
      const created = insertFace(ctx.db, set.id, imageId, face, source ?? 'human', extra)
      started([imageId])
      return created
    },

    'faces/update': async ({ faceId, patch }) => {
      const face = editable(faceId)
      const attributes = patch.attributes && { ...face.attributes, ...patch.attributes }
      const updated = updateFace(ctx.db, faceId, { ...patch, attributes })
      started([face.imageId])
      return updated!
    },

    'faces/restore': async ({ faceId, face, source }) => {
      const old = editable(faceId)
      const restored = restoreFace(ctx.db, faceId, face, source)
      started([old.imageId])
      return restored!
    },

    'faces/delete': async ({ faceIds }) => {
      const faces = faceIds.map(editable)
      const deleted = deleteFaces(ctx.db, faceIds)
      started(faces.map((f) => f.imageId))
      return { deleted }
    },

    'faces/accept': async ({ faceIds }) => {
      const faces = faceIds.map(editable)
      const accepted = acceptFaces(ctx.db, faceIds)
      started(faces.map((f) => f.imageId))
      return accepted
    },

    'faces/suggest-landmarks': async ({ imageId, box }) => {
      const image = deps.requireImage(imageId)
      if (!image.width || !image.height) {
        throw new ApiError('conflict', `Image ${imageId} has not been read yet; try again soon.`)
      }
      const size = { width: image.width, height: image.height }
      const file = deps.imageFile(image)
      return { face: await suggestLandmarks(ctx.detector(), file, size, box) }
    },
  }
}
