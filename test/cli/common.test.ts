import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import {
  listOf,
  numberListOption,
  numberOption,
  toFraction,
  toNonNegative,
  toPositiveInt,
} from '../../src/main/cli/common'

/** The message a parser rejects `value` with, or null when it accepts it. */
function rejection(parse: (value: string) => unknown, value: string): string | null {
  try {
    parse(value)
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError)
    return (error as Error).message
  }
}

describe('when a numeric option is parsed', () => {
  it('takes numbers in range and returns them as numbers', () => {
    expect(toFraction('0')).toBe(0)
    expect(toFraction('0.35')).toBe(0.35)
    expect(toFraction('1')).toBe(1)
    expect(toNonNegative('12.5')).toBe(12.5)
    expect(toPositiveInt('8')).toBe(8)
  })

  it('rejects what is not a finite number, so NaN never reaches a filter', () => {
    for (const value of ['abc', '', ' ', 'NaN', 'Infinity', '0.5x', '1,5']) {
      expect(rejection(toFraction, value)).toBe('Expected a number from 0 to 1.')
    }
  })

  it('rejects values out of range, with the range in the message', () => {
    expect(rejection(toFraction, '1.5')).toBe('Expected a number from 0 to 1.')
    expect(rejection(toFraction, '-1')).toBe('Expected a number from 0 to 1.')
    expect(rejection(toNonNegative, '-5')).toBe('Expected a number ≥ 0.')
    expect(rejection(toPositiveInt, '0')).toBe('Expected a whole number ≥ 1.')
    expect(rejection(toPositiveInt, '2.5')).toBe('Expected a whole number ≥ 1.')
    const iou = numberOption({ min: 0, max: 1, aboveMin: true })
    expect(rejection(iou, '0')).toBe('Expected a number above 0 and at most 1.')
    expect(iou('0.5')).toBe(0.5)
  })

  it('reads a list of numbers and checks how many there are', () => {
    const mean = numberListOption({}, 3)
    expect(mean('104,117,123')).toEqual([104, 117, 123])
    expect(rejection(mean, '104,117')).toBe('Expected 3 comma-separated values, each a number.')
    expect(rejection(mean, '104,x,123')).toBe('Expected 3 comma-separated values, each a number.')
  })
})

describe('when a list of choices is parsed', () => {
  const states = listOf(['todo', 'done', 'needs_review'] as const)

  it('keeps known items and names the unknown ones', () => {
    expect(states('done, needs_review')).toEqual(['done', 'needs_review'])
    expect(rejection(states, 'done,bogus')).toBe(
      'Expected a comma-separated list of todo, done, needs_review; unknown: bogus.',
    )
    expect(rejection(states, ',')).toBe(
      'Expected a comma-separated list of todo, done, needs_review.',
    )
  })
})
