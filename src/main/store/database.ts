import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'

import { logger } from '../log'
import { MIGRATIONS, type Migration } from './migrations/index'

const log = logger('store')

/** The handle every repository function takes. */
export type Db = Database
export type { Database }

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

export interface OpenOptions {
  /**
   * The compiled SQLite addon to load instead of the package's own. The Electron shell passes
   * one built for Electron's ABI, so the Node build keeps serving the CLI and the tests.
   */
  nativeBinding?: string
}

/**
 * Open (or create) a label store and bring its schema up to date.
 *
 * `':memory:'` gives a private database for tests. File databases use WAL so that the UI can
 * read while a batch writes, and so that a killed process never leaves a half-written image.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const db = new BetterSqlite3(
    file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  )

  if (file !== ':memory:') db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  // NORMAL is durable across process crashes in WAL mode; only a power cut may lose the tail.
  db.pragma('synchronous = NORMAL')

  migrate(db, MIGRATIONS)
  return db
}

/** Apply the migrations not yet recorded, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)

  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  )
  const pending = [...migrations]
    .sort((a, b) => a.version - b.version)
    .filter((m) => !applied.has(m.version))

  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  )
  for (const migration of pending) {
    // IMMEDIATE takes the write lock first, so two processes opening a fresh file do not
    // both try to create the tables.
    db.transaction(() => {
      const again = db
        .prepare('SELECT 1 FROM schema_migrations WHERE version = ?')
        .get(migration.version)
      if (again) return
      migration.up(db)
      record.run(migration.version, migration.name, new Date().toISOString())
    }).immediate()
    log.info(`applied migration ${migration.name}`)
  }
}
