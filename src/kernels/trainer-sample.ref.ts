/**
 * Reference of trainer-sample.wgsl: the token a step draws from logits, by the same hash, in float64
 * (the kernel sums in float32: a draw within rounding of a boundary between two tokens may differ).
 */
import { pcg } from './pcg-hash.js';

/** The uniform draw of `step` under `seed`, on [0, 1) in 24 bits: the kernel's exactly. */
export const sampleUniform = (seed: number, step: number): number =>
  (pcg((step + pcg(seed >>> 0)) >>> 0) >>> 8) / 2 ** 24;

/** The softmax of logits / temperature, in float64. */
export function temperedSoftmax(logits: ArrayLike<number>, temperature: number): Float64Array {
  const scaled = Float64Array.from(logits, (z) => z / temperature);
  const m = Math.max(...scaled);
  const weights = scaled.map((s) => Math.exp(s - m));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** The token drawn at `step`: the first whose cumulative probability passes the step's uniform draw. */
export function trainerSampleRef(logits: ArrayLike<number>, temperature: number, seed: number, step: number): number {
  const probabilities = temperedSoftmax(logits, temperature);
  const u = sampleUniform(seed, step);
  let sum = 0;
  for (let k = 0; k < probabilities.length; k++) {
    sum += probabilities[k]!;
    if (sum > u) return k;
  }
  return probabilities.length - 1;
}
