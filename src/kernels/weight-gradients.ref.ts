/**
 * Reference of weight-gradients.wgsl in float64: per gate block g,
 * [dKernel; dRecurrentKernel; dBias] = [x | operand | 1]ᵀ · dGates (see the WGSL for the blocks).
 */
import { sourceStep } from './input-projection.ref.js';
import type { WeightGradientsOptions, WeightGradientsShape } from './weight-gradients.js';

export function weightGradientsRef(
  arrays: {
    readonly x: ArrayLike<number>;
    readonly h: ArrayLike<number>;
    readonly initialState: ArrayLike<number> | null;
    readonly dGates: ArrayLike<number>;
    readonly saved: ArrayLike<number> | null;
  },
  shape: WeightGradientsShape,
  options: Omit<WeightGradientsOptions, 'useInitialState'>,
): { dKernel: Float64Array; dRecurrentKernel: Float64Array; dBias: Float64Array } {
  const { batch: B, timesteps: T, features: F, units: U, gates: G, gradientBlocks } = shape;
  const { x, h, initialState, dGates, saved } = arrays;
  const width = G * U;
  const dKernel = new Float64Array(F * width);
  const dRecurrentKernel = new Float64Array(U * width);
  const dBias = new Float64Array(options.biasRows * width);
  const zeros = new Float64Array(B * U);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const row = b * T + s;
      const src = (b * T + sourceStep(s, T, options.goBackwards)) * F;
      for (let g = 0; g < G; g++) {
        const last = g === G - 1;
        const input = (row * gradientBlocks + g) * U;
        const recurrent = (row * gradientBlocks + (last ? gradientBlocks - 1 : g)) * U;
        // The operand row of the recurrent side: saved at this step, or h_{s-1}; a zero h_{-1}
        // multiplies too (0 · NaN is NaN, as in tfjs).
        const [operand, at]: [ArrayLike<number>, number] =
          last && options.savedOperand
            ? [saved!, row * U]
            : s > 0
              ? [h, (row - 1) * U]
              : [initialState ?? zeros, b * U];
        for (let u = 0; u < U; u++) {
          const col = g * U + u;
          const d = dGates[input + u]!;
          const dr = dGates[recurrent + u]!;
          if (options.biasRows > 0) dBias[col] = dBias[col]! + d;
          if (options.biasRows > 1) dBias[width + col] = dBias[width + col]! + dr;
          for (let f = 0; f < F; f++) dKernel[f * width + col] = dKernel[f * width + col]! + x[src + f]! * d;
          for (let k = 0; k < U; k++)
            dRecurrentKernel[k * width + col] = dRecurrentKernel[k * width + col]! + operand[at + k]! * dr;
        }
      }
    }
  }
  return { dKernel, dRecurrentKernel, dBias };
}
