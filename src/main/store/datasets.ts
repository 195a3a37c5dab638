import { basename } from 'node:path'

import type { DatasetRecord } from '../../shared/records'
import type { Db } from './database'
import { now, statement } from './statements'

interface DatasetRow {
  id: number
  root: string
  name: string
  created_at: string
}

function toDataset(row: DatasetRow): DatasetRecord {
  return { id: row.id, root: row.root, name: row.name, createdAt: row.created_at }
}

/**
 * The dataset rooted at `root`, created on first use. The name defaults to the folder name and
 * is only set at creation, so re-importing a folder never renames it.
 */
export function ensureDataset(db: Db, root: string, name?: string): DatasetRecord {
  statement(
    db,
    'INSERT INTO datasets (root, name, created_at) VALUES (?, ?, ?) ON CONFLICT (root) DO NOTHING',
  ).run(root, name ?? (basename(root) || root), now())

  const row = statement(db, 'SELECT * FROM datasets WHERE root = ?').get(root) as DatasetRow
  return toDataset(row)
}

/** One dataset by id, or undefined when there is none. */
export function getDataset(db: Db, id: number): DatasetRecord | undefined {
  const row = statement(db, 'SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined
  return row && toDataset(row)
}

/** Every dataset, oldest first. */
export function listDatasets(db: Db): DatasetRecord[] {
  const rows = statement(db, 'SELECT * FROM datasets ORDER BY id').all() as DatasetRow[]
  return rows.map(toDataset)
}
