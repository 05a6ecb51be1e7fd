/** Reference of recurrence-forward.wgsl in float64: z_s = p_s + h_{s-1} · R, h_s = act(z_s). */
import type { Activation } from './activation.js';
import { activateRef } from './activation.ref.js';
import type { RNNShape } from './shape.js';

export function recurrenceForwardRef(
  projection: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  initialState: ArrayLike<number> | null,
  shape: RNNShape,
  activation: Activation,
): { z: Float64Array; h: Float64Array } {
  const { batch: B, timesteps: T, units: U } = shape;
  const z = Float64Array.from(projection);
  const h = new Float64Array(B * T * U);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const cur = (b * T + s) * U;
      const prev: ArrayLike<number> | null = s > 0 ? h : initialState;
      const prevOffset = s > 0 ? cur - U : b * U;
      for (let u = 0; u < U; u++) {
        let acc = z[cur + u]!;
        if (prev) for (let k = 0; k < U; k++) acc += prev[prevOffset + k]! * recurrentKernel[k * U + u]!;
        z[cur + u] = acc;
        h[cur + u] = activateRef(activation, acc);
      }
    }
  }
  return { z, h };
}
