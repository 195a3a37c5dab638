import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { facemark } from './run-cli'

let dir: string
let db: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-options-'))
  db = join(dir, 'labels.sqlite')
  mkdirSync(join(dir, 'photos'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A command line of a command that has a label store, pointed at one that does not exist. */
const withDb = (...args: string[]) => [...args, '--db', db]

/**
 * Values that used to be taken silently: NaN switched filters off, out-of-range numbers
 * let every detection through. Each must stop the command before it opens the store.
 */
const REJECTED: { what: string; args: () => string[]; option: string; expected: string }[] = [
  {
    what: 'annotate --threshold abc',
    args: () => withDb('annotate', join(dir, 'photos'), '--threshold', 'abc'),
    option: "'--threshold <score>' argument 'abc'",
    expected: 'Expected a number from 0 to 1.',
  },
  {
    what: 'annotate --threshold 1.5',
    args: () => withDb('annotate', join(dir, 'photos'), '--threshold', '1.5'),
    option: "'--threshold <score>' argument '1.5'",
    expected: 'Expected a number from 0 to 1.',
  },
  {
    what: 'annotate --threshold -1',
    args: () => withDb('annotate', join(dir, 'photos'), '--threshold', '-1'),
    option: "'--threshold <score>' argument '-1'",
    expected: 'Expected a number from 0 to 1.',
  },
  {
    what: 'export --min-face abc',
    args: () => withDb('export', join(dir, 'out'), '--format', 'coco', '--min-face', 'abc'),
    option: "'--min-face <px>' argument 'abc'",
    expected: 'Expected a number ≥ 0.',
  },
  {
    what: 'export --min-face -5',
    args: () => withDb('export', join(dir, 'out'), '--format', 'coco', '--min-face', '-5'),
    option: "'--min-face <px>' argument '-5'",
    expected: 'Expected a number ≥ 0.',
  },
  {
    what: 'export --seed abc',
    args: () => withDb('export', join(dir, 'out'), '--format', 'coco', '--seed', 'abc'),
    option: "'--seed <n>' argument 'abc'",
    expected: 'Expected a whole number from 0 to 4294967295.',
  },
  {
    what: 'export --status bogus',
    args: () => withDb('export', join(dir, 'out'), '--format', 'coco', '--status', 'bogus'),
    option: "'--status <list>' argument 'bogus'",
    expected: 'Expected a comma-separated list of todo, in_progress, done, needs_review',
  },
  {
    what: 'export --split 0.8,0.1',
    args: () => withDb('export', join(dir, 'out'), '--format', 'coco', '--split', '0.8,0.1'),
    option: "'--split <ratios>' argument '0.8,0.1'",
    expected: 'Expected two or three train,val,test fractions ≥ 0 that add up to 1',
  },
  {
    what: 'eval --iou 0',
    args: () => withDb('eval', '--gt', 'annotation', '--iou', '0'),
    option: "'--iou <value>' argument '0'",
    expected: 'Expected a number above 0 and at most 1.',
  },
  {
    what: 'models add --mean 1,2',
    args: () => [
      'models',
      'add',
      join(dir, 'm.onnx'),
      '--id',
      'm',
      '--sample',
      'x.jpg',
      '--mean',
      '1,2',
    ],
    option: "'--mean <b,g,r>' argument '1,2'",
    expected: 'Expected 3 comma-separated values, each a number.',
  },
]

describe('when an option value is not a valid number or choice', () => {
  it.each(REJECTED)(
    '$what: names the option, exits 1 and opens no store',
    async ({ args, option, expected }) => {
      const result = await facemark(args())

      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`error: option ${option} is invalid. ${expected}`)
      expect(existsSync(db)).toBe(false)
    },
  )
})
