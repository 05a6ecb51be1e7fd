/** Reference of input-projection.wgsl in float64: z[b, s, :] = x[b, t(s), :] · kernel + bias. */
import type { RNNShape } from './shape.js';

export const sourceStep = (s: number, timesteps: number, goBackwards: boolean): number =>
  goBackwards ? timesteps - 1 - s : s;

export function inputProjectionRef(
  x: ArrayLike<number>,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  shape: RNNShape,
  goBackwards: boolean,
): Float64Array {
  const { batch: B, timesteps: T, features: F, units: U } = shape;
  const z = new Float64Array(B * T * U);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const src = (b * T + sourceStep(s, T, goBackwards)) * F;
      const dst = (b * T + s) * U;
      for (let u = 0; u < U; u++) {
        let acc = bias ? bias[u]! : 0;
        for (let f = 0; f < F; f++) acc += x[src + f]! * kernel[f * U + u]!;
        z[dst + u] = acc;
      }
    }
  }
  return z;
}
