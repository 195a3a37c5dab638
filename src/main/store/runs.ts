import { DEFAULT_ATTRIBUTES, type DetectedFace, type FaceLabel } from '../../shared/face'
import { boxIou } from '../../shared/geometry'
import type { DetectionRunRecord } from '../../shared/records'
import type { Db } from './database'
import { listFaces, writeFace } from './faces'
import { annotationSet, createLabelSet, runLabelSet } from './label-sets'
import { now, statement } from './statements'

/** A proposal this close to a face a person drew or imported would duplicate it. */
const HUMAN_OVERLAP_IOU = 0.5

export interface RecordOptions {
  /** Predictions at or above this score are copied into the annotation set as proposals. */
  proposalThreshold: number
}

interface RunRow {
  id: number
  dataset_id: number
  model_id: string
  model_sha256: string
  params_json: string
  started_at: string
  finished_at: string | null
}

function toRun(row: RunRow): DetectionRunRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    modelId: row.model_id,
    modelSha256: row.model_sha256,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }
}

/**
 * JSON with object keys sorted at every level, so that equal parameters always give the same
 * text and a resumable run can be found by plain string comparison.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
    const sorted: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
    return sorted
  })
}

/** Begin a detection run together with the predictions set it writes into. */
export function startRun(
  db: Db,
  datasetId: number,
  modelId: string,
  modelSha256: string,
  params: Record<string, unknown>,
): DetectionRunRecord {
  return db.transaction(() => {
    const info = statement(
      db,
      `INSERT INTO detection_runs (dataset_id, model_id, model_sha256, params_json, started_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(datasetId, modelId, modelSha256, canonicalJson(params), now())
    const run = getRun(db, Number(info.lastInsertRowid))!

    createLabelSet(db, datasetId, 'predictions', `${modelId} #${run.id}`, run.id)
    return run
  })()
}

/** One run by id, or undefined. */
export function getRun(db: Db, runId: number): DetectionRunRecord | undefined {
  const row = statement(db, 'SELECT * FROM detection_runs WHERE id = ?').get(runId) as
    RunRow | undefined
  return row && toRun(row)
}

/**
 * The latest run of this model with exactly these parameters. Reusing it means a batch that
 * was killed continues where it stopped, and images added to the folder later join the same
 * run, instead of the whole folder being detected again.
 */
export function findResumableRun(
  db: Db,
  datasetId: number,
  modelId: string,
  params: Record<string, unknown>,
): DetectionRunRecord | undefined {
  const row = statement(
    db,
    `SELECT * FROM detection_runs
     WHERE dataset_id = ? AND model_id = ? AND params_json = ?
     ORDER BY id DESC LIMIT 1`,
  ).get(datasetId, modelId, canonicalJson(params)) as RunRow | undefined
  return row && toRun(row)
}

/** Images of the dataset this run has not handled yet, skipping files known to be unreadable. */
export function pendingImageIds(db: Db, runId: number, datasetId: number): number[] {
  return statement(
    db,
    `SELECT i.id FROM images i
     WHERE i.dataset_id = ? AND i.error IS NULL
       AND NOT EXISTS (SELECT 1 FROM run_images r WHERE r.run_id = ? AND r.image_id = i.id)
     ORDER BY i.id`,
  )
    .pluck()
    .all(datasetId, runId) as number[]
}

/**
 * Store what the detector found on one image, in one transaction:
 * - all faces go into the run's predictions set;
 * - the image's untouched proposals in the annotation set are replaced by the predictions at
 *   or above the threshold, except where a face a person drew, edited or imported already is
 *   (IoU ≥ 0.5): that face is never overwritten or duplicated;
 * - the image is marked done for this run.
 * Calling it again for the same run and image replaces rather than duplicates. Returns the
 * number of proposals written to the annotation set.
 */
export function recordDetections(
  db: Db,
  runId: number,
  imageId: number,
  faces: DetectedFace[],
  opts: RecordOptions,
): number {
  return db.transaction(() => {
    const run = getRun(db, runId)
    const predictions = runLabelSet(db, runId)
    if (!run || !predictions) throw new Error(`Detection run ${runId} does not exist`)
    const annotation = annotationSet(db, run.datasetId)

    // Clear what an earlier call for this image left, so a retry cannot duplicate.
    statement(db, 'DELETE FROM faces WHERE label_set_id = ? AND image_id = ?').run(
      predictions.id,
      imageId,
    )
    statement(
      db,
      "DELETE FROM faces WHERE label_set_id = ? AND image_id = ? AND source = 'model'",
    ).run(annotation.id, imageId)
    const owned = listFaces(db, imageId, annotation.id)

    const at = now()
    let proposals = 0
    for (const detected of faces) {
      const label = toLabel(detected)
      const predictionId = writeFace(db, predictions.id, imageId, label, 'model', { runId }, at)

      if (detected.score < opts.proposalThreshold) continue
      if (owned.some((face) => boxIou(face.box, detected.box) >= HUMAN_OVERLAP_IOU)) continue
      const origin = { runId, originFaceId: predictionId }
      writeFace(db, annotation.id, imageId, label, 'model', origin, at)
      proposals += 1
    }

    writeRunImage(db, runId, imageId, 'done', null, faces.length)
    return proposals
  })()
}

/** Remember that detection failed on an image, with a reason a user can act on. */
export function recordFailure(db: Db, runId: number, imageId: number, reason: string): void {
  writeRunImage(db, runId, imageId, 'failed', reason, 0)
}

/**
 * Forget what every run did with an image whose file was replaced, so the next run detects on
 * the new content. Faces stay: a new detection replaces only untouched proposals.
 */
export function forgetRunResults(db: Db, imageId: number): void {
  statement(db, 'DELETE FROM run_images WHERE image_id = ?').run(imageId)
}

/** Mark a run complete; it is no longer offered for resuming. */
export function finishRun(db: Db, runId: number): void {
  statement(db, 'UPDATE detection_runs SET finished_at = ? WHERE id = ?').run(now(), runId)
}

/** Every run of a dataset, oldest first. */
export function listRuns(db: Db, datasetId: number): DetectionRunRecord[] {
  const rows = statement(db, 'SELECT * FROM detection_runs WHERE dataset_id = ? ORDER BY id').all(
    datasetId,
  ) as RunRow[]
  return rows.map(toRun)
}

function writeRunImage(
  db: Db,
  runId: number,
  imageId: number,
  status: 'done' | 'failed',
  error: string | null,
  faceCount: number,
): void {
  statement(
    db,
    `INSERT INTO run_images (run_id, image_id, status, error, face_count, finished_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, image_id) DO UPDATE SET status = excluded.status,
       error = excluded.error, face_count = excluded.face_count, finished_at = excluded.finished_at`,
  ).run(runId, imageId, status, error, faceCount, now())
}

function toLabel(face: DetectedFace): FaceLabel {
  return {
    box: face.box,
    score: face.score,
    landmarks: face.landmarks,
    attributes: { ...DEFAULT_ATTRIBUTES },
    quality: null,
  }
}
