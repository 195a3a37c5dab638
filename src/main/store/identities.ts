import type { Db } from './database'
import { statement } from './statements'

/** Set or clear (null / empty) the identity of a face. Returns false for an unknown face. */
export function setFaceIdentity(db: Db, faceId: number, identity: string | null): boolean {
  const value = identity?.trim() || null
  return statement(db, 'UPDATE faces SET identity = ? WHERE id = ?').run(value, faceId).changes > 0
}

/** The labelled identities of a label set's faces, by face id; unlabelled faces are absent. */
export function identitiesForSet(db: Db, labelSetId: number): Map<number, string> {
  const rows = statement(
    db,
    'SELECT id, identity FROM faces WHERE label_set_id = ? AND identity IS NOT NULL',
  )
    .raw(true)
    .all(labelSetId) as [number, string][]
  return new Map(rows)
}
