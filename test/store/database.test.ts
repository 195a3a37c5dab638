import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { migrate, openDatabase } from '../../src/main/store/database'
import { MIGRATIONS } from '../../src/main/store/migrations/index'

describe('openDatabase', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('applies every migration once and records it', () => {
    const db = openDatabase(':memory:')
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all()
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })))

    migrate(db, MIGRATIONS)
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(
      MIGRATIONS.length,
    )
  })

  it('turns on foreign keys, WAL for files and a busy timeout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facemark-db-'))
    dirs.push(dir)
    const db = openDatabase(join(dir, 'store.sqlite'))

    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0)
    db.close()

    // Reopening an up-to-date file applies nothing and keeps the data.
    const again = openDatabase(join(dir, 'store.sqlite'))
    expect(again.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(
      MIGRATIONS.length,
    )
    again.close()
  })

  it('rolls a failing migration back entirely', () => {
    const db = openDatabase(':memory:')
    const broken = {
      version: 999,
      name: '20990101_broken',
      up: (d: typeof db) => {
        d.exec('CREATE TABLE half_done (id INTEGER)')
        throw new Error('boom')
      },
    }

    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow('boom')
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get(),
    ).toBeUndefined()
    expect(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 999').get()).toBeUndefined()
  })
})
