/** Reference of weight-gradients.wgsl in float64: [dKernel; dRecurrentKernel; dBias] = [x | h_{s-1} | 1]ᵀ · dz. */
import { sourceStep } from './input-projection.ref.js';
import type { RNNShape } from './shape.js';

export function weightGradientsRef(
  x: ArrayLike<number>,
  h: ArrayLike<number>,
  initialState: ArrayLike<number> | null,
  dz: ArrayLike<number>,
  shape: RNNShape,
  goBackwards: boolean,
): { dKernel: Float64Array; dRecurrentKernel: Float64Array; dBias: Float64Array } {
  const { batch: B, timesteps: T, features: F, units: U } = shape;
  const dKernel = new Float64Array(F * U);
  const dRecurrentKernel = new Float64Array(U * U);
  const dBias = new Float64Array(U);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const g = (b * T + s) * U;
      const src = (b * T + sourceStep(s, T, goBackwards)) * F;
      const prev: ArrayLike<number> | null = s > 0 ? h : initialState;
      const prevOffset = s > 0 ? g - U : b * U;
      for (let u = 0; u < U; u++) {
        const d = dz[g + u]!;
        dBias[u] = dBias[u]! + d;
        for (let f = 0; f < F; f++) dKernel[f * U + u] = dKernel[f * U + u]! + x[src + f]! * d;
        if (prev) {
          for (let k = 0; k < U; k++) dRecurrentKernel[k * U + u] = dRecurrentKernel[k * U + u]! + prev[prevOffset + k]! * d;
        }
      }
    }
  }
  return { dKernel, dRecurrentKernel, dBias };
}
