/**
 * The tfjs kernels this package registers: names (prefixed so they never clash with built-ins),
 * attributes, and how their inputs map onto the core's configs. One forward and one gradient kernel
 * per cell; optional inputs are absent from the map, optional outputs from the list.
 *
 * SimpleRNN
 *   forward inputs: x [B,T,F], kernel [F,U], recurrentKernel [U,U], bias? [U], initialState? [B,U].
 *   forward outputs: returnSequences ? [h, z] : [last, h, z] (h, z: [B,T,U]; last: [B,U]).
 *   gradient inputs: the forward inputs but bias, plus h, z and dy (the output's gradient).
 *   gradient outputs: dx, dKernel, dRecurrentKernel, then dBias (if useBias) and dInitialState (if
 *   initialState is an input).
 * LSTM (G = 4 gates)
 *   forward inputs: x, kernel [F,4U], recurrentKernel [U,4U], bias? [4U], initialState? [B,U],
 *   initialCellState? [B,U].
 *   forward outputs: h, c [B,T,U], gates [B,T,4U], then last [B,U] unless returnSequences, then
 *   lastCellState [B,U] if returnState.
 *   gradient inputs: the forward inputs but bias, plus h, c, gates, dy ([B,T,U] with returnSequences,
 *   else [B,U]) and dcLast? [B,U] (the last cell state's gradient).
 *   gradient outputs: dx, dKernel, dRecurrentKernel, then dBias, dInitialState, dInitialCellState
 *   for the inputs given.
 * GRU (G = 3 gates)
 *   forward inputs: x, kernel [F,3U], recurrentKernel [U,3U], bias? ([3U], or [2,3U] with
 *   resetAfter), initialState? [B,U].
 *   forward outputs: h [B,T,U], gates [B,T,3U], resetProduct [B,T,U], then last [B,U] unless
 *   returnSequences.
 *   gradient inputs: the forward inputs but bias, plus h, gates, resetProduct and dy.
 *   gradient outputs: dx, dKernel, dRecurrentKernel, then dBias and dInitialState for the inputs given.
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import type { GRUConfig, LSTMConfig, SimpleRNNConfig } from '../kernels/config.js';

export const SIMPLE_RNN = 'WebGPURNN_SimpleRNN';
export const SIMPLE_RNN_GRAD = 'WebGPURNN_SimpleRNNGrad';
export const LSTM = 'WebGPURNN_LSTM';
export const LSTM_GRAD = 'WebGPURNN_LSTMGrad';
export const GRU = 'WebGPURNN_GRU';
export const GRU_GRAD = 'WebGPURNN_GRUGrad';

export interface SimpleRNNAttrs extends NamedAttrMap {
  activation: Activation;
  goBackwards: boolean;
  returnSequences: boolean;
  useBias: boolean;
}

export interface LSTMAttrs extends SimpleRNNAttrs {
  recurrentActivation: Activation;
  returnState: boolean;
}

export interface GRUAttrs extends SimpleRNNAttrs {
  recurrentActivation: Activation;
  resetAfter: boolean;
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

export interface LSTMInputs extends SimpleRNNInputs {
  initialCellState?: TensorInfo;
}

export interface LSTMGradInputs extends Omit<LSTMInputs, 'bias'> {
  h: TensorInfo;
  c: TensorInfo;
  gates: TensorInfo;
  dy: TensorInfo;
  dcLast?: TensorInfo;
}

export type GRUInputs = SimpleRNNInputs;

export interface GRUGradInputs extends Omit<GRUInputs, 'bias'> {
  h: TensorInfo;
  gates: TensorInfo;
  resetProduct: TensorInfo;
  dy: TensorInfo;
}

type AnyInputs = SimpleRNNInputs | SimpleRNNGradInputs | LSTMInputs | LSTMGradInputs | GRUGradInputs;

export function rnnConfig(inputs: AnyInputs, attrs: SimpleRNNAttrs): SimpleRNNConfig {
  const [batch, timesteps, features] = inputs.x.shape as [number, number, number];
  return {
    batch,
    timesteps,
    features,
    units: inputs.recurrentKernel.shape[0]!,
    activation: attrs.activation,
    goBackwards: attrs.goBackwards,
    useBias: attrs.useBias,
    useInitialState: inputs.initialState != null,
  };
}

export function lstmConfig(inputs: LSTMInputs | LSTMGradInputs, attrs: LSTMAttrs): LSTMConfig {
  return {
    ...rnnConfig(inputs, attrs),
    recurrentActivation: attrs.recurrentActivation,
    useInitialCellState: inputs.initialCellState != null,
  };
}

export function gruConfig(inputs: GRUInputs | GRUGradInputs, attrs: GRUAttrs): GRUConfig {
  return { ...rnnConfig(inputs, attrs), recurrentActivation: attrs.recurrentActivation, resetAfter: attrs.resetAfter };
}

/** Kernel functions receive a NamedTensorInfoMap and a NamedAttrMap; these are ours. */
export const forwardInputs = (inputs: NamedTensorInfoMap): SimpleRNNInputs => inputs as unknown as SimpleRNNInputs;
export const gradInputs = (inputs: NamedTensorInfoMap): SimpleRNNGradInputs => inputs as unknown as SimpleRNNGradInputs;
export const rnnAttrs = (attrs: NamedAttrMap | undefined): SimpleRNNAttrs => attrs as SimpleRNNAttrs;
export const kernelInputs = <T>(inputs: NamedTensorInfoMap): T => inputs as unknown as T;
export const kernelAttrs = <T extends NamedAttrMap>(attrs: NamedAttrMap | undefined): T => attrs as T;
