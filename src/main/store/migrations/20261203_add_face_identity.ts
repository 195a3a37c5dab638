import type { Database } from 'better-sqlite3'

/**
 * Who a face shows, for recognition datasets: aligned crops are written one folder per
 * identity. Free text (a name or an id from the source dataset); NULL when nobody said.
 * A new column rather than a table because a face shows at most one person.
 */
export const version = 2
export const name = '20261203_add_face_identity'

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE faces ADD COLUMN identity TEXT;
    CREATE INDEX faces_by_identity ON faces (label_set_id, identity) WHERE identity IS NOT NULL;
  `)
}
