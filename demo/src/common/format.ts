/** How numbers read on the pages: fixed decimals, thousands separators, units. */

const formatters = new Map<number, Intl.NumberFormat>();

/** `value` with exactly `digits` decimals and thousands separators; NaN and infinities as words. */
export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(digits, formatter);
  }
  return formatter.format(value);
}

export const formatCount = (value: number): string => formatNumber(value, 0);

export const formatLoss = (value: number): string => formatNumber(value, 3);

export const formatVector = (values: readonly number[], digits: number): string =>
  `[${values.map((v) => formatNumber(v, digits)).join(', ')}]`;

/** Milliseconds with three significant figures or more: 0.256 ms, 4.12 ms, 41.5 ms, 140 ms. */
export function formatMs(ms: number): string {
  const digits = ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${formatNumber(ms, digits)} ms`;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  0: '⁰',
  1: '¹',
  2: '²',
  3: '³',
  4: '⁴',
  5: '⁵',
  6: '⁶',
  7: '⁷',
  8: '⁸',
  9: '⁹',
};

/** Small quantities such as relative differences: 3.2 × 10⁻⁶. */
export function formatScientific(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const [mantissa, exponent] = value.toExponential(1).split('e') as [string, string];
  const power = [...String(Number(exponent))].map((c) => SUPERSCRIPT[c] ?? c).join('');
  return `${mantissa} × 10${power}`;
}

/** How many times larger: 1.0×, 3.4×, 25×. */
export const formatRatio = (ratio: number): string => `${formatNumber(ratio, ratio >= 10 ? 0 : 1)}×`;

/** Parses "10, 20, 30" (commas or spaces) into numbers; null when any item is not a finite number. */
export function parseNumbers(text: string): number[] | null {
  const items = text.split(/[\s,;]+/).filter((item) => item !== '');
  const values = items.map(Number);
  return values.length > 0 && values.every(Number.isFinite) ? values : null;
}
