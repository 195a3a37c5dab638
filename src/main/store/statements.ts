import type { Database, Statement } from 'better-sqlite3'

const cache = new WeakMap<Database, Map<string, Statement>>()

/**
 * A prepared statement for this connection, compiled once. Hot paths (a batch records
 * thousands of images) would otherwise re-parse the same SQL on every call.
 */
export function statement(db: Database, sql: string): Statement {
  let byText = cache.get(db)
  if (!byText) {
    byText = new Map()
    cache.set(db, byText)
  }

  let prepared = byText.get(sql)
  if (!prepared) {
    prepared = db.prepare(sql)
    byText.set(sql, prepared)
  }
  return prepared
}

/** The timestamp format of every `*_at` column. */
export function now(): string {
  return new Date().toISOString()
}
