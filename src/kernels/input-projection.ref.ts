/**
 * Reference of input-projection.wgsl in float64: gates[b, s, :] = (x[b, t(s), :] ⊙ dm[b, :]) · kernel + bias
 * over G·U columns, dm the input's dropout mask [B, F] (1 without).
 */
import type { RNNShape } from './shape.js';

export const sourceStep = (s: number, timesteps: number, goBackwards: boolean): number =>
  goBackwards ? timesteps - 1 - s : s;

export function inputProjectionRef(
  x: ArrayLike<number>,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  shape: RNNShape & { readonly gates: number },
  goBackwards: boolean,
  inputDropout: ArrayLike<number> | null = null,
): Float64Array {
  const { batch: B, timesteps: T, features: F } = shape;
  const columns = shape.gates * shape.units;
  const out = new Float64Array(B * T * columns);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const src = (b * T + sourceStep(s, T, goBackwards)) * F;
      const dst = (b * T + s) * columns;
      for (let j = 0; j < columns; j++) {
        let acc = bias ? bias[j]! : 0;
        for (let f = 0; f < F; f++)
          acc += x[src + f]! * (inputDropout ? inputDropout[b * F + f]! : 1) * kernel[f * columns + j]!;
        out[dst + j] = acc;
      }
    }
  }
  return out;
}
