import type { StoredFace } from '../../shared/records'
import type { Verdict } from '../../shared/review'
import type { Db } from '../store/database'
import { deleteFace, getFace, insertFace } from '../store/faces'
import { getLabelSet } from '../store/label-sets'
import { coverImage, setFaceSubsets, setVerdict, subsetsForSet } from '../store/review'

/** A fix the store refuses: unknown face, or a set that must not change. */
export class ReviewFixError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_request',
    message: string,
  ) {
    super(message)
  }
}

/** Mark an error case "ground truth wrong" or "detector wrong", or clear it with null. */
export function judgeFace(db: Db, faceId: number, verdict: Verdict | null): void {
  requireFace(db, faceId)
  setVerdict(db, faceId, verdict)
}

/**
 * Copy a face into the annotation set or a ground-truth set: a miss becomes a label people
 * edit, or a detection the ground truth lacked joins the ground truth. The copy belongs to a
 * person (`human`); a copied prediction stays linked to it through `originFaceId`.
 */
export function copyFaceToSet(db: Db, faceId: number, labelSetId: number): StoredFace {
  const face = requireFace(db, faceId)
  const from = getLabelSet(db, face.labelSetId)!
  const target = getLabelSet(db, labelSetId)
  if (!target || target.datasetId !== from.datasetId) {
    throw new ReviewFixError('not_found', `No label set ${labelSetId} in this dataset.`)
  }
  if (target.kind === 'predictions') {
    throw new ReviewFixError(
      'invalid_request',
      "A detection run's predictions stay as the model gave them; copy into the annotation " +
        'set or a ground-truth set instead.',
    )
  }
  if (target.id === from.id) {
    throw new ReviewFixError('invalid_request', 'The face is already in that label set.')
  }

  return db.transaction(() => {
    const copy = insertFace(db, target.id, face.imageId, face, 'human', {
      runId: face.runId,
      originFaceId: from.kind === 'predictions' ? face.id : face.originFaceId,
    })
    if (target.kind === 'ground_truth') {
      coverImage(db, target.id, face.imageId)
      // Its EdgeBox difficulty is unknown; `hard` counts every valid face the set holds.
      if (subsetsForSet(db, target.id).size > 0) setFaceSubsets(db, copy.id, ['hard'])
    }
    return copy
  })()
}

/**
 * Delete a face that should not be there: a false face in the ground truth, or a wrong face
 * in the annotation set. Predictions are the record of what a model said and stay.
 */
export function deleteReviewedFace(db: Db, faceId: number): void {
  const face = requireFace(db, faceId)
  const set = getLabelSet(db, face.labelSetId)!
  if (set.kind === 'predictions') {
    throw new ReviewFixError(
      'invalid_request',
      "A detection run's predictions stay as the model gave them; mark the case " +
        '"detector wrong" instead.',
    )
  }
  db.transaction(() => {
    // The image stays covered: "no face here" is now what the set says about it.
    if (set.kind === 'ground_truth') coverImage(db, set.id, face.imageId)
    deleteFace(db, faceId)
  })()
}

function requireFace(db: Db, faceId: number): StoredFace {
  const face = getFace(db, faceId)
  if (!face) throw new ReviewFixError('not_found', `No face ${faceId}; the review may be stale.`)
  return face
}
