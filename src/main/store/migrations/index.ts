import type { Database } from 'better-sqlite3'

import * as addFaceIdentity from './20261203_add_face_identity'
import * as createCoreTables from './20261203_create_core_tables'
import * as addReviewTables from './20261204_add_review_tables'

/** One schema step; `version` orders them and is recorded once applied. */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/**
 * Every migration, oldest first. Listed by hand rather than read from the folder so that the
 * bundled Electron build, tsx and vitest all see the same set.
 */
export const MIGRATIONS: readonly Migration[] = [createCoreTables, addFaceIdentity, addReviewTables]
