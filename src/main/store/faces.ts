import type { FaceLabel, Landmark, Visibility, WiderAttributes } from '../../shared/face'
import type { FaceSource, StoredFace } from '../../shared/records'
import type { Db } from './database'
import { now, statement } from './statements'

/** Provenance a caller may attach when inserting. */
export interface FaceExtra {
  runId?: number | null
  originFaceId?: number | null
}

/** A face row with at most one landmark row joined to it. */
interface FaceRow {
  id: number
  label_set_id: number
  image_id: number
  x: number
  y: number
  w: number
  h: number
  score: number | null
  source: FaceSource
  run_id: number | null
  origin_face_id: number | null
  blur: number
  expression: number
  illumination: number
  occlusion: number
  pose: number
  invalid: number
  quality: number | null
  created_at: string
  updated_at: string
  l_idx: number | null
  l_x: number | null
  l_y: number | null
  l_visibility: Visibility | null
}

const SELECT_FACES = `
  SELECT f.*, l.idx AS l_idx, l.x AS l_x, l.y AS l_y, l.visibility AS l_visibility
  FROM faces f LEFT JOIN landmarks l ON l.face_id = f.id`

function toFace(row: FaceRow): StoredFace {
  return {
    id: row.id,
    imageId: row.image_id,
    labelSetId: row.label_set_id,
    box: { x: row.x, y: row.y, width: row.w, height: row.h },
    score: row.score,
    landmarks: [],
    attributes: {
      blur: row.blur as WiderAttributes['blur'],
      expression: row.expression as WiderAttributes['expression'],
      illumination: row.illumination as WiderAttributes['illumination'],
      occlusion: row.occlusion as WiderAttributes['occlusion'],
      pose: row.pose as WiderAttributes['pose'],
      invalid: row.invalid !== 0,
    },
    quality: row.quality,
    source: row.source,
    runId: row.run_id,
    originFaceId: row.origin_face_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/**
 * Fold joined rows (ordered by face, then landmark index) into faces with their five points.
 * Calls `emit` once per face, in row order.
 */
function foldRows(rows: FaceRow[], emit: (face: StoredFace) => void): void {
  let current: StoredFace | undefined
  for (const row of rows) {
    if (!current || current.id !== row.id) {
      if (current) emit(current)
      current = toFace(row)
    }
    if (row.l_idx === null) continue

    // A face has all five rows or none; pad defensively so index i is always point i.
    if (current.landmarks.length === 0) {
      current.landmarks = Array.from({ length: 5 }, () => absentPoint())
    }
    current.landmarks[row.l_idx] = { x: row.l_x!, y: row.l_y!, visibility: row.l_visibility! }
  }
  if (current) emit(current)
}

function absentPoint(): Landmark {
  return { x: -1, y: -1, visibility: 'absent' }
}

/** The faces of one image in one label set, oldest first, landmarks in index order. */
export function listFaces(db: Db, imageId: number, labelSetId: number): StoredFace[] {
  const rows = statement(
    db,
    `${SELECT_FACES} WHERE f.image_id = ? AND f.label_set_id = ? ORDER BY f.id, l.idx`,
  ).all(imageId, labelSetId) as FaceRow[]

  const faces: StoredFace[] = []
  foldRows(rows, (face) => faces.push(face))
  return faces
}

/** One face by id, or undefined. */
export function getFace(db: Db, faceId: number): StoredFace | undefined {
  const rows = statement(db, `${SELECT_FACES} WHERE f.id = ? ORDER BY l.idx`).all(
    faceId,
  ) as FaceRow[]

  let face: StoredFace | undefined
  foldRows(rows, (f) => (face = f))
  return face
}

/** Every face of a label set grouped by image, in one query (export and evaluation). */
export function facesForSet(db: Db, labelSetId: number): Map<number, StoredFace[]> {
  const rows = statement(
    db,
    `${SELECT_FACES} WHERE f.label_set_id = ? ORDER BY f.image_id, f.id, l.idx`,
  ).all(labelSetId) as FaceRow[]

  const byImage = new Map<number, StoredFace[]>()
  foldRows(rows, (face) => {
    const list = byImage.get(face.imageId)
    if (list) list.push(face)
    else byImage.set(face.imageId, [face])
  })
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

    statement(
      db,
      `UPDATE faces SET x = ?, y = ?, w = ?, h = ?, score = ?, source = ?, blur = ?,
         expression = ?, illumination = ?, occlusion = ?, pose = ?, invalid = ?, quality = ?,
         updated_at = ?
       WHERE id = ?`,
    ).run(
      next.box.x,
      next.box.y,
      next.box.width,
      next.box.height,
      next.score,
      source,
      ...attributeValues(next.attributes),
      next.quality,
      at,
      faceId,
    )
    if (patch.landmarks) {
      statement(db, 'DELETE FROM landmarks WHERE face_id = ?').run(faceId)
      writeLandmarks(db, faceId, next.landmarks)
    }

    return { ...old, ...copyLabel(next), source, updatedAt: at }
  })()
}

/** Remove a face; its landmarks go with it (ON DELETE CASCADE). */
export function deleteFace(db: Db, faceId: number): boolean {
  return statement(db, 'DELETE FROM faces WHERE id = ?').run(faceId).changes > 0
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
