/**
 * Reference of the whole fused SimpleRNN, forward and backward, in float64: the composition of the
 * kernels' references, in the order simple-rnn.ts dispatches them.
 */
import type { ResolvedConfig } from './config.js';
import { inputGradientRef } from './input-gradient.ref.js';
import { inputProjectionRef } from './input-projection.ref.js';
import { recurrenceBackwardRef } from './recurrence-backward.ref.js';
import { recurrenceForwardRef } from './recurrence-forward.ref.js';
import { weightGradientsRef } from './weight-gradients.ref.js';

export interface SimpleRNNArrays {
  readonly x: ArrayLike<number>;
  readonly kernel: ArrayLike<number>;
  readonly recurrentKernel: ArrayLike<number>;
  readonly bias?: ArrayLike<number> | null;
  readonly initialState?: ArrayLike<number> | null;
}

export interface SimpleRNNForwardRef {
  readonly z: Float64Array;
  readonly h: Float64Array;
}

export interface SimpleRNNGradientsRef {
  readonly dx: Float64Array;
  readonly dKernel: Float64Array;
  readonly dRecurrentKernel: Float64Array;
  readonly dBias: Float64Array;
  readonly dInitialState: Float64Array;
  readonly dz: Float64Array;
}

export function simpleRNNForwardRef(inputs: SimpleRNNArrays, config: ResolvedConfig): SimpleRNNForwardRef {
  const bias = config.useBias ? (inputs.bias ?? null) : null;
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const projection = inputProjectionRef(inputs.x, inputs.kernel, bias, config, config.goBackwards);
  return recurrenceForwardRef(projection, inputs.recurrentKernel, initialState, config, config.activation);
}

/** Gradients of Σ dh ⊙ h with respect to every input, given the forward's z and h. */
export function simpleRNNBackwardRef(
  inputs: SimpleRNNArrays & { readonly z: ArrayLike<number>; readonly h: ArrayLike<number>; readonly dh: ArrayLike<number> },
  config: ResolvedConfig,
): SimpleRNNGradientsRef {
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const { dz, dInitialState } = recurrenceBackwardRef(inputs.dh, inputs.z, inputs.h, inputs.recurrentKernel, config, config.activation);
  const weights = weightGradientsRef(inputs.x, inputs.h, initialState, dz, config, config.goBackwards);
  const dx = inputGradientRef(dz, inputs.kernel, config, config.goBackwards);
  return { dx, ...weights, dInitialState, dz };
}

/** h [n, T, U] → h at the last step [n, U]: a layer's output without returnSequences. */
export function lastStates(h: ArrayLike<number>, n: number, timesteps: number, units: number): Float64Array {
  const out = new Float64Array(n * units);
  for (let i = 0; i < n; i++) for (let u = 0; u < units; u++) out[i * units + u] = h[((i + 1) * timesteps - 1) * units + u]!;
  return out;
}

/** A gradient of the last states [n, U] → the gradient of every state [n, T, U], zero before the last step. */
export function expandLastStep(last: ArrayLike<number>, n: number, timesteps: number, units: number): Float64Array {
  const full = new Float64Array(n * timesteps * units);
  for (let i = 0; i < n; i++) for (let u = 0; u < units; u++) full[((i + 1) * timesteps - 1) * units + u] = last[i * units + u]!;
  return full;
}
