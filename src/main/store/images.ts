import type { FaceSource, ImageRecord, ImageStatus } from '../../shared/records'
import type { Db } from './database'
import { now, statement } from './statements'

/** What reading an image file once tells us. */
export interface ImageMeta {
  /** Upright size, EXIF orientation applied; null when the file could not be decoded. */
  width: number | null
  height: number | null
  orientation: number
  sha256: string | null
  byteSize: number | null
}

/** Narrows `listImages`; `source` keeps images with at least one annotation face of it. */
export interface ImageFilter {
  status?: ImageStatus
  source?: FaceSource
}

interface ImageRow {
  id: number
  dataset_id: number
  rel_path: string
  width: number | null
  height: number | null
  orientation: number
  sha256: string | null
  byte_size: number | null
  status: ImageStatus
  error: string | null
  face_count: number | null
  proposal_count: number | null
}

function toImage(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    relPath: row.rel_path,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    sha256: row.sha256,
    byteSize: row.byte_size,
    status: row.status,
    error: row.error,
    faceCount: row.face_count ?? 0,
    proposalCount: row.proposal_count ?? 0,
  }
}

/**
 * Counts come from the dataset's annotation set in one grouped pass, joined to the images, so
 * listing 20,000 images is one query rather than one per image.
 */
const SELECT_WITH_COUNTS = `
  SELECT i.id, i.dataset_id, i.rel_path, i.width, i.height, i.orientation, i.sha256, i.byte_size,
         i.status, i.error, c.face_count, c.proposal_count
  FROM images i
  LEFT JOIN (
    SELECT f.image_id,
           COUNT(*) AS face_count,
           SUM(f.source = 'model') AS proposal_count,
           SUM(f.source = @source) AS source_count
    FROM faces f
    WHERE f.label_set_id = (
      SELECT id FROM label_sets ls
      WHERE ls.dataset_id = @datasetId AND ls.kind = 'annotation'
    )
    GROUP BY f.image_id
  ) c ON c.image_id = i.id`

/**
 * Add or refresh an image. Idempotent on (dataset, relPath): a re-import updates the metadata
 * and clears an earlier read error, because the caller has just read the file. A null field
 * keeps what the store already knows (a detection pass knows the size but not the hash).
 */
export function upsertImage(
  db: Db,
  datasetId: number,
  relPath: string,
  meta: ImageMeta,
): ImageRecord {
  const at = now()
  statement(
    db,
    `INSERT INTO images (dataset_id, rel_path, width, height, orientation, sha256, byte_size,
                         created_at, updated_at)
     VALUES (@datasetId, @relPath, @width, @height, @orientation, @sha256, @byteSize, @at, @at)
     ON CONFLICT (dataset_id, rel_path) DO UPDATE SET
       width = COALESCE(excluded.width, width), height = COALESCE(excluded.height, height),
       orientation = excluded.orientation, sha256 = COALESCE(excluded.sha256, sha256),
       byte_size = COALESCE(excluded.byte_size, byte_size), error = NULL,
       updated_at = excluded.updated_at`,
  ).run({ datasetId, relPath, ...meta, at })

  const row = statement(db, 'SELECT id FROM images WHERE dataset_id = ? AND rel_path = ?').get(
    datasetId,
    relPath,
  ) as { id: number }
  return getImage(db, row.id)!
}

/** Remember why a file cannot be read; detection runs skip such images. */
export function markImageUnreadable(db: Db, imageId: number, reason: string): void {
  statement(db, 'UPDATE images SET error = ?, updated_at = ? WHERE id = ?').run(
    reason,
    now(),
    imageId,
  )
}

/** One image with its annotation counts, or undefined. */
export function getImage(db: Db, id: number): ImageRecord | undefined {
  // Correlated counts through the (image_id, label_set_id, source) index: cheap for one image,
  // where the grouped form would count the whole set.
  const row = statement(
    db,
    `SELECT i.*, COUNT(f.id) AS face_count, COALESCE(SUM(f.source = 'model'), 0) AS proposal_count
     FROM images i
     LEFT JOIN label_sets ls ON ls.dataset_id = i.dataset_id AND ls.kind = 'annotation'
     LEFT JOIN faces f ON f.image_id = i.id AND f.label_set_id = ls.id
     WHERE i.id = ?
     GROUP BY i.id`,
  ).get(id) as ImageRow | undefined
  return row && toImage(row)
}

/** The images of a dataset in path order, with face and proposal counts. */
export function listImages(db: Db, datasetId: number, filter: ImageFilter = {}): ImageRecord[] {
  const where = ['i.dataset_id = @datasetId']
  if (filter.status) where.push('i.status = @status')
  if (filter.source) where.push('c.source_count > 0')

  const sql = `${SELECT_WITH_COUNTS} WHERE ${where.join(' AND ')} ORDER BY i.rel_path`
  const rows = statement(db, sql).all({
    datasetId,
    status: filter.status ?? null,
    source: filter.source ?? null,
  }) as ImageRow[]
  return rows.map(toImage)
}

/** Move an image through the review workflow. */
export function setImageStatus(db: Db, imageId: number, status: ImageStatus): void {
  statement(db, 'UPDATE images SET status = ?, updated_at = ? WHERE id = ?').run(
    status,
    now(),
    imageId,
  )
}

/**
 * The first edit of an image moves it from `todo` to `in_progress`; later statuses (done,
 * needs review) are a person's decision and stay as they are.
 */
export function markImageStarted(db: Db, imageId: number): void {
  statement(
    db,
    "UPDATE images SET status = 'in_progress', updated_at = ? WHERE id = ? AND status = 'todo'",
  ).run(now(), imageId)
}
