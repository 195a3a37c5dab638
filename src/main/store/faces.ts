import type { FaceLabel, Landmark, Visibility, WiderAttributes } from '../../shared/face'
import type { FaceSource, StoredFace } from '../../shared/records'
import type { Db } from './database'
import { now, statement } from './statements'

/** Provenance a caller may attach when inserting. */
export interface FaceExtra {
  runId?: number | null
  originFaceId?: number | null
}

/**
 * Face rows are read as arrays (better-sqlite3 raw mode) and landmarks in a second query:
 * building a 20-key object per row, times five for a join with landmarks, made reading a
 * WIDER-train-sized set take seconds longer.
 */
const FACE_COLUMNS = `f.id, f.label_set_id, f.image_id, f.x, f.y, f.w, f.h, f.score, f.source, f.run_id,
  f.origin_face_id, f.blur, f.expression, f.illumination, f.occlusion, f.pose, f.invalid, f.quality,
  f.created_at, f.updated_at`

type FaceTuple = [
  id: number,
  labelSetId: number,
  imageId: number,
  x: number,
  y: number,
  w: number,
  h: number,
  score: number | null,
  source: FaceSource,
  runId: number | null,
  originFaceId: number | null,
  blur: number,
  expression: number,
  illumination: number,
  occlusion: number,
  pose: number,
  invalid: number,
  quality: number | null,
  createdAt: string,
  updatedAt: string,
]

type LandmarkTuple = [faceId: number, idx: number, x: number, y: number, visibility: Visibility]

function toFace(row: FaceTuple): StoredFace {
  const [id, labelSetId, imageId, x, y, w, h, score, source, runId, originFaceId] = row
  const [blur, expression, illumination, occlusion, pose, invalid, quality] = row.slice(11, 18)
  return {
    id,
    imageId,
    labelSetId,
    box: { x, y, width: w, height: h },
    score,
    landmarks: [],
    attributes: {
      blur: blur as WiderAttributes['blur'],
      expression: expression as WiderAttributes['expression'],
      illumination: illumination as WiderAttributes['illumination'],
      occlusion: occlusion as WiderAttributes['occlusion'],
      pose: pose as WiderAttributes['pose'],
      invalid: invalid !== 0,
    },
    quality: quality as number | null,
    source,
    runId,
    originFaceId,
    createdAt: row[18],
    updatedAt: row[19],
  }
}

/**
 * The faces matching `where` (a condition on `f`), ordered by image then id, with their
 * landmarks. Both queries run in one transaction so they see the same snapshot.
 */
function readFaces(db: Db, where: string, ...params: unknown[]): StoredFace[] {
  return db.transaction(() => {
    const rows = statement(
      db,
      `SELECT ${FACE_COLUMNS} FROM faces f WHERE ${where} ORDER BY f.image_id, f.id`,
    )
      .raw(true)
      .all(...params) as FaceTuple[]
    const faces = rows.map(toFace)
    const byId = new Map(faces.map((face) => [face.id, face]))

    const points = statement(
      db,
      `SELECT l.face_id, l.idx, l.x, l.y, l.visibility
       FROM faces f JOIN landmarks l ON l.face_id = f.id WHERE ${where}`,
    )
      .raw(true)
      .all(...params) as LandmarkTuple[]
    for (const [faceId, idx, x, y, visibility] of points) {
      const face = byId.get(faceId)!
      // A face has all five rows or none; pad defensively so index i is always point i.
      if (face.landmarks.length === 0) face.landmarks = Array.from({ length: 5 }, absentPoint)
      face.landmarks[idx] = { x, y, visibility }
    }
    return faces
  })()
}

function absentPoint(): Landmark {
  return { x: -1, y: -1, visibility: 'absent' }
}

/** The faces of one image in one label set, oldest first, landmarks in index order. */
export function listFaces(db: Db, imageId: number, labelSetId: number): StoredFace[] {
  return readFaces(db, 'f.image_id = ? AND f.label_set_id = ?', imageId, labelSetId)
}

/** One face by id, or undefined. */
export function getFace(db: Db, faceId: number): StoredFace | undefined {
  return readFaces(db, 'f.id = ?', faceId)[0]
}

/** Every face of a label set grouped by image, in one pass (export and evaluation). */
export function facesForSet(db: Db, labelSetId: number): Map<number, StoredFace[]> {
  const byImage = new Map<number, StoredFace[]>()
  for (const face of readFaces(db, 'f.label_set_id = ?', labelSetId)) {
    const list = byImage.get(face.imageId)
    if (list) list.push(face)
    else byImage.set(face.imageId, [face])
  }
  return byImage
}

/** Add a face with its landmarks (five points or none). */
export function insertFace(
  db: Db,
  labelSetId: number,
  imageId: number,
  face: FaceLabel,
  source: FaceSource,
  extra: FaceExtra = {},
): StoredFace {
  checkLandmarks(face.landmarks)
  const at = now()
  const id = db.transaction(() => writeFace(db, labelSetId, imageId, face, source, extra, at))()

  return {
    ...copyLabel(face),
    id,
    imageId,
    labelSetId,
    source,
    runId: extra.runId ?? null,
    originFaceId: extra.originFaceId ?? null,
    createdAt: at,
    updatedAt: at,
  }
}

/**
 * Insert the rows of one face and return its id. For callers that already hold a transaction
 * and write many faces (detection results, imports): no savepoint and no read-back per face.
 */
export function writeFace(
  db: Db,
  labelSetId: number,
  imageId: number,
  face: FaceLabel,
  source: FaceSource,
  extra: FaceExtra,
  at: string,
): number {
  checkLandmarks(face.landmarks)
  const info = statement(
    db,
    `INSERT INTO faces (label_set_id, image_id, x, y, w, h, score, source, run_id,
                        origin_face_id, blur, expression, illumination, occlusion, pose,
                        invalid, quality, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    labelSetId,
    imageId,
    face.box.x,
    face.box.y,
    face.box.width,
    face.box.height,
    face.score,
    source,
    extra.runId ?? null,
    extra.originFaceId ?? null,
    ...attributeValues(face.attributes),
    face.quality,
    at,
    at,
  )
  const faceId = Number(info.lastInsertRowid)
  writeLandmarks(db, faceId, face.landmarks)
  return faceId
}

/**
 * Change a face. Any edit of an untouched proposal (`model`) makes it `human`, so the next
 * detection run knows a person owns it and never replaces it.
 */
export function updateFace(
  db: Db,
  faceId: number,
  patch: Partial<FaceLabel>,
): StoredFace | undefined {
  return db.transaction(() => {
    const old = getFace(db, faceId)
    if (!old) return undefined

    const next: FaceLabel = {
      box: { ...old.box, ...patch.box },
      score: patch.score !== undefined ? patch.score : old.score,
      landmarks: patch.landmarks ?? old.landmarks,
      attributes: { ...old.attributes, ...patch.attributes },
      quality: patch.quality !== undefined ? patch.quality : old.quality,
    }
    checkLandmarks(next.landmarks)
    const source: FaceSource = old.source === 'model' ? 'human' : old.source
    const at = now()

    writeFaceRow(db, faceId, next, source, at)
    if (patch.landmarks) replaceLandmarks(db, faceId, next.landmarks)

    return { ...old, ...copyLabel(next), source, updatedAt: at }
  })()
}

/** Remove a face; its landmarks go with it (ON DELETE CASCADE). */
export function deleteFace(db: Db, faceId: number): boolean {
  return statement(db, 'DELETE FROM faces WHERE id = ?').run(faceId).changes > 0
}

/** Overwrite a face's own columns (not its landmarks); false when no such face exists. */
function writeFaceRow(
  db: Db,
  faceId: number,
  face: FaceLabel,
  source: FaceSource,
  at: string,
): boolean {
  const { changes } = statement(
    db,
    `UPDATE faces SET x = ?, y = ?, w = ?, h = ?, score = ?, source = ?, blur = ?,
       expression = ?, illumination = ?, occlusion = ?, pose = ?, invalid = ?, quality = ?,
       updated_at = ?
     WHERE id = ?`,
  ).run(
    face.box.x,
    face.box.y,
    face.box.width,
    face.box.height,
    face.score,
    source,
    ...attributeValues(face.attributes),
    face.quality,
    at,
    faceId,
  )
  return changes > 0
}

function replaceLandmarks(db: Db, faceId: number, landmarks: Landmark[]): void {
  statement(db, 'DELETE FROM landmarks WHERE face_id = ?').run(faceId)
  writeLandmarks(db, faceId, landmarks)
}

function writeLandmarks(db: Db, faceId: number, landmarks: Landmark[]): void {
  const insert = statement(
    db,
    'INSERT INTO landmarks (face_id, idx, x, y, visibility) VALUES (?, ?, ?, ?, ?)',
  )
  landmarks.forEach((p, idx) => insert.run(faceId, idx, p.x, p.y, p.visibility))
}

function checkLandmarks(landmarks: Landmark[]): void {
  if (landmarks.length !== 0 && landmarks.length !== 5) {
    throw new Error(`A face has five landmarks or none, got ${landmarks.length}`)
  }
}

function attributeValues(a: WiderAttributes): number[] {
  return [a.blur, a.expression, a.illumination, a.occlusion, a.pose, a.invalid ? 1 : 0]
}

function copyLabel(face: FaceLabel): FaceLabel {
  return {
    box: { ...face.box },
    score: face.score,
    landmarks: face.landmarks.map((p) => ({ ...p })),
    attributes: { ...face.attributes },
    quality: face.quality,
  }
}

/**
 * Confirm untouched proposals as they are: no geometric change, only `model` becomes `human`.
 * Faces of another source are returned unchanged. Returns the faces found, in the order asked.
 */
export function acceptFaces(db: Db, faceIds: number[]): StoredFace[] {
  return db.transaction(() => {
    const at = now()
    const accept = statement(
      db,
      "UPDATE faces SET source = 'human', updated_at = ? WHERE id = ? AND source = 'model'",
    )
    for (const id of faceIds) accept.run(at, id)
    return faceIds.map((id) => getFace(db, id)).filter((face) => face !== undefined)
  })()
}

/**
 * Write a face back to an exact earlier state, provenance included. Undo and redo use this:
 * unlike {@link updateFace} it may turn a `human` face back into the `model` proposal it was.
 */
export function restoreFace(
  db: Db,
  faceId: number,
  face: FaceLabel,
  source: FaceSource,
): StoredFace | undefined {
  checkLandmarks(face.landmarks)
  return db.transaction(() => {
    if (!writeFaceRow(db, faceId, face, source, now())) return undefined

    replaceLandmarks(db, faceId, face.landmarks)
    return getFace(db, faceId)
  })()
}

/** Remove several faces in one transaction; returns how many existed. */
export function deleteFaces(db: Db, faceIds: number[]): number {
  return db.transaction(() => faceIds.reduce((n, id) => n + (deleteFace(db, id) ? 1 : 0), 0))()
}
