/** Checks of plain arguments shared by the public entries; each error names the argument and what was expected. */
import { describeValue } from './describe-value.js';

export function checkPositiveInteger(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${argument}: expected a positive integer; got ${describeValue(value)}`);
  }
  return value;
}

/** A seed for seededRandom: an integer (it is taken modulo 2³²), or undefined for a random one. */
export function checkSeed(argument: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${argument}: expected an integer; got ${describeValue(value)}`);
  return value;
}

/**
 * Throws unless `value` is undefined or a plain object whose keys are all in `known`
 * (a misspelt option is not ignored).
 */
export function checkOptions(argument: string, value: unknown, known: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${argument}: expected an object (${known.join(', ')}) or nothing; got ${describeValue(value)}`,
    );
  }
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw new TypeError(
      `${argument}: unknown ${unknown.map((key) => JSON.stringify(key)).join(', ')}; expected only ${known.join(', ')}`,
    );
}
