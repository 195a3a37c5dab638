import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'

/** Where the label store lives unless --db says otherwise (the desktop app keeps its own). */
const DEFAULT_DB = 'facemark.sqlite'

/** The label store every command reads and writes; the desktop app keeps its own in userData. */
export const dbOption = () => new Option('--db <file>', 'SQLite label store').default(DEFAULT_DB)

/**
 * The --db option of a command that only reads the store. SQLite creates a missing file on
 * open, so a mistyped path would leave an empty store behind and then fail with "no dataset";
 * the command refuses it before anything is opened instead.
 */
export function addExistingDbOption(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--db <file>',
        'SQLite label store written by annotate or import (must exist)',
      ).default(DEFAULT_DB),
    )
    .hook('preAction', (_command, action) => {
      const file = action.opts<{ db: string }>().db
      if (!existsSync(file)) {
        throw new Error(
          `The label store ${resolve(file)} does not exist; give --db the file that ` +
            '`facemark annotate` or `facemark import` wrote',
        )
      }
    })
}

/** Print an error the way every command does and mark the process as failed. */
export function fail(message: string): void {
  console.error(`facemark: ${message}`)
  process.exitCode = 1
}

/** The range a numeric option accepts; `min` is inclusive unless `aboveMin` is set. */
export interface NumberRange {
  min?: number
  max?: number
  /** The value must be greater than `min` (e.g. an IoU of 0 would match everything). */
  aboveMin?: boolean
  integer?: boolean
}

/**
 * A commander parser for a numeric option: anything that is not a finite number in range is
 * rejected with InvalidArgumentError, so commander names the option and exits non-zero
 * instead of letting NaN switch a filter off.
 */
export function numberOption(range: NumberRange): (value: string) => number {
  const expected = describeRange(range)
  return (value) => {
    const n = parseInRange(value, range)
    if (n === null) throw new InvalidArgumentError(`Expected ${expected}.`)
    return n
  }
}

/**
 * A commander parser for comma-separated numbers ("104,117,123"), each in `range`, and
 * exactly `count` of them when given.
 */
export function numberListOption(range: NumberRange, count?: number): (value: string) => number[] {
  const expected = `${count ?? 'one or more'} comma-separated values, each ${describeRange(range)}`
  return (value) => {
    const numbers = value.split(',').map((part) => parseInRange(part, range))
    const valid =
      numbers.every((n) => n !== null) && (count === undefined || numbers.length === count)
    if (!valid) throw new InvalidArgumentError(`Expected ${expected}.`)
    return numbers as number[]
  }
}

function parseInRange(value: string, { min, max, aboveMin, integer }: NumberRange): number | null {
  const n = value.trim() === '' ? Number.NaN : Number(value)
  const inRange =
    Number.isFinite(n) &&
    (!integer || Number.isInteger(n)) &&
    (min === undefined || (aboveMin ? n > min : n >= min)) &&
    (max === undefined || n <= max)
  return inRange ? n : null
}

function describeRange({ min, max, aboveMin, integer }: NumberRange): string {
  const kind = integer ? 'a whole number' : 'a number'
  if (min === undefined) return max === undefined ? kind : `${kind} ≤ ${max}`
  if (max === undefined) return `${kind} ${aboveMin ? '>' : '≥'} ${min}`
  return aboveMin ? `${kind} above ${min} and at most ${max}` : `${kind} from ${min} to ${max}`
}

/** Counts and ids. */
export const toPositiveInt = numberOption({ min: 1, integer: true })

/** Sizes in pixels and other quantities that only have to be non-negative. */
export const toNonNegative = numberOption({ min: 0 })

/** Scores and thresholds between 0 and 1. */
export const toFraction = numberOption({ min: 0, max: 1 })

/** "a,b,c" -> ["a", "b", "c"], empty items dropped. */
export function csv(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * A commander parser for a comma-separated list whose items must each be one of `allowed`
 * (commander's own `.choices()` takes a single value only).
 */
export function listOf<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = csv(value)
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item))
    if (items.length === 0 || unknown.length > 0) {
      throw new InvalidArgumentError(
        `Expected a comma-separated list of ${allowed.join(', ')}` +
          (unknown.length ? `; unknown: ${unknown.join(', ')}.` : '.'),
      )
    }
    return items as T[]
  }
}

/**
 * A commander parser for an argument that must be an existing folder, checked before the
 * command opens (and so creates) the label store.
 */
export function existingFolder(value: string): string {
  const isFolder = statSync(value, { throwIfNoEntry: false })?.isDirectory() ?? false
  if (!isFolder) {
    throw new InvalidArgumentError(
      `${resolve(value)} is not a folder; give the folder that holds the images.`,
    )
  }
  return value
}

/**
 * A commander parser for a label file or folder that must exist, checked before the command
 * opens (and so creates) the label store.
 */
export function existingPath(value: string): string {
  if (!existsSync(value)) {
    throw new InvalidArgumentError(`${resolve(value)} does not exist; check the path.`)
  }
  return value
}
