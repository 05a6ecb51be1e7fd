/** Reference of recurrence-backward.wgsl in float64: dz_s = (dh_s + dz_{s+1} · Rᵀ) ⊙ act'(z_s). */
import type { Activation } from './activation.js';
import { activateGradRef } from './activation.ref.js';
import type { RNNShape } from './shape.js';

export function recurrenceBackwardRef(
  dh: ArrayLike<number>,
  z: ArrayLike<number>,
  h: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  shape: RNNShape,
  activation: Activation,
): { dz: Float64Array; dInitialState: Float64Array } {
  const { batch: B, timesteps: T, units: U } = shape;
  const dz = new Float64Array(B * T * U);
  const dInitialState = new Float64Array(B * U);
  // dz_{s+1} · Rᵀ for one row
  const backThroughTime = (next: number, u: number): number => {
    let acc = 0;
    for (let k = 0; k < U; k++) acc += dz[next + k]! * recurrentKernel[u * U + k]!;
    return acc;
  };
  for (let b = 0; b < B; b++) {
    for (let s = T - 1; s >= 0; s--) {
      const cur = (b * T + s) * U;
      for (let u = 0; u < U; u++) {
        const g = dh[cur + u]! + (s < T - 1 ? backThroughTime(cur + U, u) : 0);
        dz[cur + u] = g * activateGradRef(activation, z[cur + u]!, h[cur + u]!);
      }
    }
    for (let u = 0; u < U; u++) dInitialState[b * U + u] = backThroughTime(b * T * U, u);
  }
  return { dz, dInitialState };
}
