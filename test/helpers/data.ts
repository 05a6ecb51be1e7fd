/** Seeded data and the error metric the tests state their tolerances in. */

export { seededRandom as random } from '../../src/trainer/random.js';

/** Uniform in [-scale, scale). */
export function uniform(length: number, scale: number, rng: () => number): Float32Array {
  return Float32Array.from({ length }, () => (rng() * 2 - 1) * scale);
}

/**
 * Largest absolute difference, relative to the largest finite magnitude of `expected` (so values
 * near zero are judged at the tensor's scale, not their own). 0 when both are all zeros. Where
 * `expected` is NaN or ±Infinity, `actual` must be the same (else the error is Infinity), as it must be
 * finite wherever `expected` is.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!;
    const got = actual[i]!;
    if (!Number.isFinite(want) || !Number.isFinite(got)) {
      if (!Object.is(want, got) && !(Number.isNaN(want) && Number.isNaN(got))) return Infinity;
      continue;
    }
    scale = Math.max(scale, Math.abs(want));
    diff = Math.max(diff, Math.abs(got - want));
  }
  return diff === 0 ? 0 : diff / (scale || 1);
}
