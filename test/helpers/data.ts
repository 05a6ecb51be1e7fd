/** Seeded data and the error metric the tests state their tolerances in. */

export { seededRandom as random } from '../../src/trainer/random.js';

/** Uniform in [-scale, scale). */
export function uniform(length: number, scale: number, rng: () => number): Float32Array {
  return Float32Array.from({ length }, () => (rng() * 2 - 1) * scale);
}

/**
 * Largest absolute difference, relative to the largest magnitude of `expected` (so values near
 * zero are judged at the tensor's scale, not their own). 0 when both are all zeros.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    const d = Math.abs(actual[i]! - expected[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
  }
  return diff === 0 ? 0 : diff / (scale || 1);
}
