import { z } from 'zod'

/**
 * The one rule for numbers in every annotation format, text and JSON alike: a plain decimal
 * that is finite. `1e400` looks like a decimal but overflows to Infinity, and JSON.parse turns
 * it into Infinity too, so both readers check the value and not only the spelling; the words
 * `Infinity` and `NaN` are not decimals at all.
 */
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/

/**
 * A token of a text format as a number: its value; NaN when it is not spelled as a decimal
 * (a path, a word, `Infinity`, `NaN`); ±Infinity when it is but overflows (`1e400`), which
 * callers refuse with {@link overflowMessage}. A bare number rather than a result object, as
 * it runs for each of the three million values of a WIDER-train-sized file.
 */
export function parseDecimal(token: string): number {
  return DECIMAL.test(token) ? Number(token) : NaN
}

/** Why an overflowing value is refused, worded the same for every format. */
export function overflowMessage(spelled = 'a number'): string {
  return `${spelled} is beyond ±1.8e308 and would be read as Infinity; write a finite number`
}

/** A JSON number under the same rule: zod's number already refuses Infinity and NaN. */
export const finiteNumber = z.number({
  error: (issue) =>
    issue.input === Infinity || issue.input === -Infinity ? overflowMessage() : 'expected a number',
})
