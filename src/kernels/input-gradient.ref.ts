/** Reference of input-gradient.wgsl in float64: dx[b, t(s), :] = dz[b, s, :] · kernelᵀ. */
import { sourceStep } from './input-projection.ref.js';
import type { RNNShape } from './shape.js';

export function inputGradientRef(
  dz: ArrayLike<number>,
  kernel: ArrayLike<number>,
  shape: RNNShape,
  goBackwards: boolean,
): Float64Array {
  const { batch: B, timesteps: T, features: F, units: U } = shape;
  const dx = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const g = (b * T + s) * U;
      const dst = (b * T + sourceStep(s, T, goBackwards)) * F;
      for (let f = 0; f < F; f++) {
        let acc = 0;
        for (let u = 0; u < U; u++) acc += dz[g + u]! * kernel[f * U + u]!;
        dx[dst + f] = acc;
      }
    }
  }
  return dx;
}
