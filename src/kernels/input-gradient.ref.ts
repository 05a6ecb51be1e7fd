/**
 * Reference of input-gradient.wgsl in float64: dx[b, t(s), :] = (dGates[b, s, :G·U] · kernelᵀ) ⊙ dm[b, :],
 * dm the input's dropout mask [B, F] (1 without).
 */
import { sourceStep } from './input-projection.ref.js';
import type { RNNShape } from './shape.js';

export function inputGradientRef(
  dGates: ArrayLike<number>,
  kernel: ArrayLike<number>,
  shape: RNNShape & { readonly gates: number; readonly gradientBlocks: number },
  goBackwards: boolean,
  inputDropout: ArrayLike<number> | null = null,
): Float64Array {
  const { batch: B, timesteps: T, features: F } = shape;
  const columns = shape.gates * shape.units;
  const stride = shape.gradientBlocks * shape.units;
  const dx = new Float64Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const g = (b * T + s) * stride;
      const dst = (b * T + sourceStep(s, T, goBackwards)) * F;
      for (let f = 0; f < F; f++) {
        let acc = 0;
        for (let j = 0; j < columns; j++) acc += dGates[g + j]! * kernel[f * columns + j]!;
        dx[dst + f] = acc * (inputDropout ? inputDropout[b * F + f]! : 1);
      }
    }
  }
  return dx;
}
