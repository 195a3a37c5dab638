import type { Verdict } from '../../shared/review'
import type { LabelSetRecord } from '../../shared/records'
import type { WiderSetting } from '../eval/wider-mat'
import type { Db } from './database'
import { now, statement } from './statements'

/** Record a person's verdict on a face, or clear it with null. */
export function setVerdict(db: Db, faceId: number, verdict: Verdict | null): void {
  if (verdict === null) {
    statement(db, 'DELETE FROM review_verdicts WHERE face_id = ?').run(faceId)
    return
  }
  statement(
    db,
    `INSERT INTO review_verdicts (face_id, verdict, created_at) VALUES (?, ?, ?)
     ON CONFLICT (face_id) DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at`,
  ).run(faceId, verdict, now())
}

/** The verdicts on faces of the given label sets, by face id. */
export function verdictsForSets(db: Db, labelSetIds: readonly number[]): Map<number, Verdict> {
  const rows = statement(
    db,
    `SELECT v.face_id, v.verdict FROM review_verdicts v JOIN faces f ON f.id = v.face_id
     WHERE f.label_set_id IN (SELECT value FROM json_each(?))`,
  )
    .raw(true)
    .all(JSON.stringify(labelSetIds)) as [number, Verdict][]
  return new Map(rows)
}

/** Say that a label set has labelled these images, even where it holds no face for them. */
export function addSetImages(db: Db, labelSetId: number, imageIds: Iterable<number>): void {
  const insert = statement(
    db,
    'INSERT OR IGNORE INTO label_set_images (label_set_id, image_id) VALUES (?, ?)',
  )
  for (const imageId of imageIds) insert.run(labelSetId, imageId)
}

/**
 * Keep an image covered by a ground-truth set after an edit there. A set imported without
 * coverage rows (covered = images with faces) first gets rows for those images, so the one
 * added row does not shrink its coverage to a single image.
 */
export function coverImage(db: Db, labelSetId: number, imageId: number): void {
  statement(
    db,
    `INSERT OR IGNORE INTO label_set_images (label_set_id, image_id)
     SELECT DISTINCT label_set_id, image_id FROM faces
     WHERE label_set_id = @set
       AND NOT EXISTS (SELECT 1 FROM label_set_images WHERE label_set_id = @set)`,
  ).run({ set: labelSetId })
  addSetImages(db, labelSetId, [imageId])
}

/**
 * The images a label set covers, i.e. where its faces (or their absence) mean something:
 * - a ground-truth set: the images recorded at import, else those holding one of its faces;
 * - a detection run's predictions: the images the run finished;
 * - the annotation set: images marked done or holding a face a person drew or checked.
 */
export function setImageIds(db: Db, labelSet: LabelSetRecord): Set<number> {
  const pluck = (sql: string, ...params: unknown[]) =>
    new Set(
      statement(db, sql)
        .pluck(true)
        .all(...params) as number[],
    )

  if (labelSet.kind === 'predictions' && labelSet.runId !== null) {
    return pluck(
      "SELECT image_id FROM run_images WHERE run_id = ? AND status = 'done'",
      labelSet.runId,
    )
  }
  if (labelSet.kind === 'annotation') {
    return pluck(
      `SELECT id FROM images WHERE dataset_id = ? AND (status = 'done' OR id IN (
         SELECT image_id FROM faces WHERE label_set_id = ? AND source <> 'model'))`,
      labelSet.datasetId,
      labelSet.id,
    )
  }
  const recorded = pluck(
    'SELECT image_id FROM label_set_images WHERE label_set_id = ?',
    labelSet.id,
  )
  if (recorded.size > 0) return recorded
  return pluck('SELECT DISTINCT image_id FROM faces WHERE label_set_id = ?', labelSet.id)
}

/** Put an imported ground-truth face into the WIDER settings it counts in. */
export function setFaceSubsets(db: Db, faceId: number, subsets: readonly WiderSetting[]): void {
  statement(db, 'DELETE FROM face_subsets WHERE face_id = ?').run(faceId)
  const insert = statement(db, 'INSERT INTO face_subsets (face_id, subset) VALUES (?, ?)')
  for (const subset of subsets) insert.run(faceId, subset)
}

/** The WIDER settings of every face of a label set that has any, by face id. */
export function subsetsForSet(db: Db, labelSetId: number): Map<number, WiderSetting[]> {
  const rows = statement(
    db,
    `SELECT s.face_id, s.subset FROM face_subsets s JOIN faces f ON f.id = s.face_id
     WHERE f.label_set_id = ?`,
  )
    .raw(true)
    .all(labelSetId) as [number, WiderSetting][]
  const byFace = new Map<number, WiderSetting[]>()
  for (const [faceId, subset] of rows) {
    const list = byFace.get(faceId)
    if (list) list.push(subset)
    else byFace.set(faceId, [subset])
  }
  return byFace
}
