import type { LabelSetKind, LabelSetRecord } from '../../shared/records'
import type { Db } from './database'
import { now, statement } from './statements'

interface LabelSetRow {
  id: number
  dataset_id: number
  kind: LabelSetKind
  name: string
  run_id: number | null
  created_at: string
}

function toLabelSet(row: LabelSetRow): LabelSetRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    kind: row.kind,
    name: row.name,
    runId: row.run_id,
    createdAt: row.created_at,
  }
}

/**
 * The dataset's one working set that people edit, created on first use. A partial unique
 * index guarantees there is never a second one, even with two processes racing.
 */
export function annotationSet(db: Db, datasetId: number): LabelSetRecord {
  statement(
    db,
    `INSERT OR IGNORE INTO label_sets (dataset_id, kind, name, created_at)
     VALUES (?, 'annotation', 'annotation', ?)`,
  ).run(datasetId, now())

  const row = statement(
    db,
    "SELECT * FROM label_sets WHERE dataset_id = ? AND kind = 'annotation'",
  ).get(datasetId) as LabelSetRow
  return toLabelSet(row)
}

/**
 * A new `predictions` or `ground_truth` set. Use `annotationSet` for the working set: asking
 * for a second one here fails on the unique index.
 */
export function createLabelSet(
  db: Db,
  datasetId: number,
  kind: LabelSetKind,
  name: string,
  runId?: number,
): LabelSetRecord {
  const info = statement(
    db,
    'INSERT INTO label_sets (dataset_id, kind, name, run_id, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(datasetId, kind, name, runId ?? null, now())
  return getLabelSet(db, Number(info.lastInsertRowid))!
}

/** One label set by id, or undefined. */
export function getLabelSet(db: Db, id: number): LabelSetRecord | undefined {
  const row = statement(db, 'SELECT * FROM label_sets WHERE id = ?').get(id) as
    LabelSetRow | undefined
  return row && toLabelSet(row)
}

/** The predictions set a detection run writes into, or undefined for an unknown run. */
export function runLabelSet(db: Db, runId: number): LabelSetRecord | undefined {
  const row = statement(
    db,
    "SELECT * FROM label_sets WHERE run_id = ? AND kind = 'predictions' ORDER BY id LIMIT 1",
  ).get(runId) as LabelSetRow | undefined
  return row && toLabelSet(row)
}

/** Every label set of a dataset, oldest first. */
export function listLabelSets(db: Db, datasetId: number): LabelSetRecord[] {
  const rows = statement(db, 'SELECT * FROM label_sets WHERE dataset_id = ? ORDER BY id').all(
    datasetId,
  ) as LabelSetRow[]
  return rows.map(toLabelSet)
}
