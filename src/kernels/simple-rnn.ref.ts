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
