/**
 * The tfjs kernels this package registers: names (prefixed so they never clash with built-ins),
 * attributes, and how their inputs map onto a SimpleRNNConfig.
 *
 * Forward inputs: x [B,T,F], kernel [F,U], recurrentKernel [U,U], bias? [U], initialState? [B,U].
 * Forward outputs: returnSequences ? [h, z] : [last, h, z] (h, z: [B,T,U]; last: [B,U]).
 * Gradient inputs: the forward inputs but bias, plus h, z and dy (the output's gradient).
 * Gradient outputs: dx, dKernel, dRecurrentKernel, then dBias (if useBias) and dInitialState (if
 * initialState is an input).
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import type { SimpleRNNConfig } from '../kernels/config.js';

export const SIMPLE_RNN = 'WebGPURNN_SimpleRNN';
export const SIMPLE_RNN_GRAD = 'WebGPURNN_SimpleRNNGrad';

export interface SimpleRNNAttrs extends NamedAttrMap {
  activation: Activation;
  goBackwards: boolean;
  returnSequences: boolean;
  useBias: boolean;
}

export interface SimpleRNNInputs {
  x: TensorInfo;
  kernel: TensorInfo;
  recurrentKernel: TensorInfo;
  bias?: TensorInfo;
  initialState?: TensorInfo;
}

export interface SimpleRNNGradInputs extends Omit<SimpleRNNInputs, 'bias'> {
  h: TensorInfo;
  z: TensorInfo;
  dy: TensorInfo;
}

export function rnnConfig(inputs: SimpleRNNInputs | SimpleRNNGradInputs, attrs: SimpleRNNAttrs): SimpleRNNConfig {
  const [batch, timesteps, features] = inputs.x.shape as [number, number, number];
  return {
    batch,
    timesteps,
    features,
    units: inputs.kernel.shape[1]!,
    activation: attrs.activation,
    goBackwards: attrs.goBackwards,
    useBias: attrs.useBias,
    useInitialState: inputs.initialState != null,
  };
}

/** Kernel functions receive a NamedTensorInfoMap; these are ours. */
export const forwardInputs = (inputs: NamedTensorInfoMap): SimpleRNNInputs => inputs as unknown as SimpleRNNInputs;
export const gradInputs = (inputs: NamedTensorInfoMap): SimpleRNNGradInputs => inputs as unknown as SimpleRNNGradInputs;
export const rnnAttrs = (attrs: NamedAttrMap | undefined): SimpleRNNAttrs => attrs as SimpleRNNAttrs;
