/**
 * Reference of weight-gradients.wgsl in float64: per gate block g,
 * [dKernel; dRecurrentKernel; dBias] = [x ⊙ dm | operand | 1]ᵀ · dGates (see the WGSL for the blocks),
 * the recurrent operand rm ⊙ h_{s-1} but for the saved one, dm and rm the dropout masks (1 without).
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
    /** The input's dropout mask [B, F], or null. */
    readonly inputDropout?: ArrayLike<number> | null;
    /** The recurrent state's dropout mask [B, U], or null. */
    readonly recurrentDropout?: ArrayLike<number> | null;
  },
  shape: WeightGradientsShape,
  options: Omit<WeightGradientsOptions, 'side'>,
): { dKernel: Float64Array; dRecurrentKernel: Float64Array; dBias: Float64Array } {
  const { batch: B, timesteps: T, features: F, units: U, gates: G, gradientBlocks } = shape;
  const { x, h, initialState, dGates, saved } = arrays;
  const dm = (b: number, f: number) => (arrays.inputDropout ? arrays.inputDropout[b * F + f]! : 1);
  const rm = (b: number, k: number) => (arrays.recurrentDropout ? arrays.recurrentDropout[b * U + k]! : 1);
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
        // The operand row of the recurrent side: saved at this step, or rm ⊙ h_{s-1}; a zero h_{-1}
        // multiplies too (0 · NaN is NaN, as in tfjs).
        const fromSaved = last && options.savedOperand;
        const [operand, at]: [ArrayLike<number>, number] = fromSaved
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
          for (let f = 0; f < F; f++) dKernel[f * width + col] = dKernel[f * width + col]! + x[src + f]! * dm(b, f) * d;
          for (let k = 0; k < U; k++) {
            const value = operand[at + k]! * (fromSaved ? 1 : rm(b, k));
            dRecurrentKernel[k * width + col] = dRecurrentKernel[k * width + col]! + value * dr;
          }
        }
      }
    }
  }
  return { dKernel, dRecurrentKernel, dBias };
}
