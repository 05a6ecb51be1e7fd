/**
 * The tfjs kernels this package registers, two per cell (cell-kernels.ts): their names, prefixed so
 * they never clash with built-ins, their attributes, and how their inputs map onto the core's config.
 * Every tensor is named as the cell's public API names it (CellDefinition.names: SimpleRNN's gates are
 * z, LSTM's saved sequence c, GRU's resetProduct); optional inputs are absent from the map, optional
 * outputs from the list.
 *
 *   forward inputs:  x [B,T,F], kernel [F,G·U], recurrentKernel [U,G·U], bias? ([G·U], or [2,G·U] for two
 *                    bias rows), initialState? [B,U], initialCellState? [B,U] (a cell with two states),
 *                    mask? [B,T] (float32, int32 or bool: Keras's mask, 0 drops a step),
 *                    dropoutMask? [B,F], recurrentDropoutMask? [B,U] (tfjs's dropout masks)
 *   forward outputs: h [B,T,U], gates [B,T,G·U], saved [B,T,U] (a cell that saves one), then last [B,U]
 *                    unless returnSequences, then lastSaved [B,U] (two states, with returnState)
 *   gradient inputs: the forward inputs but bias (the masks included), h, gates, saved, dy (the output's
 *                    gradient: [B,T,U] with returnSequences, else [B,U]) and dcLast? [B,U] (the last
 *                    cell state's)
 *   gradient outputs: dx, dKernel, dRecurrentKernel, then dBias, dInitialState, dInitialCellState for
 *                    the inputs given
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import type { CellDefinition, LayerConfig } from '../kernels/cell.js';
import { GRU_CELL } from '../kernels/gru.js';
import { LSTM_CELL } from '../kernels/lstm.js';
import { SIMPLE_RNN_CELL } from '../kernels/simple-rnn.js';

export const kernelName = (cell: Pick<CellDefinition, 'className'>): string => `WebGPURNN_${cell.className}`;
export const gradientKernelName = (cell: Pick<CellDefinition, 'className'>): string => `${kernelName(cell)}Grad`;

export const SIMPLE_RNN = kernelName(SIMPLE_RNN_CELL);
export const SIMPLE_RNN_GRAD = gradientKernelName(SIMPLE_RNN_CELL);
export const LSTM = kernelName(LSTM_CELL);
export const LSTM_GRAD = gradientKernelName(LSTM_CELL);
export const GRU = kernelName(GRU_CELL);
export const GRU_GRAD = gradientKernelName(GRU_CELL);

/** Every cell's kernels take the same attributes; a cell without an option has it at its default. */
export interface RecurrentAttrs extends NamedAttrMap {
  activation: Activation;
  recurrentActivation: Activation;
  resetAfter: boolean;
  goBackwards: boolean;
  returnSequences: boolean;
  returnState: boolean;
  useBias: boolean;
}

export type KernelInputs = Readonly<Record<string, TensorInfo | undefined>>;

export const kernelInputs = (inputs: NamedTensorInfoMap): KernelInputs => inputs as unknown as KernelInputs;
export const kernelAttrs = (attrs: NamedAttrMap | undefined): RecurrentAttrs => attrs as RecurrentAttrs;

/** The core's config of a kernel call: shapes from the tensors, options from the attributes. */
export function kernelConfig(inputs: KernelInputs, attrs: RecurrentAttrs): LayerConfig {
  const [batch, timesteps, features] = inputs.x!.shape as [number, number, number];
  return {
    batch,
    timesteps,
    features,
    units: inputs.recurrentKernel!.shape[0]!,
    activation: attrs.activation,
    recurrentActivation: attrs.recurrentActivation,
    resetAfter: attrs.resetAfter,
    goBackwards: attrs.goBackwards,
    useBias: attrs.useBias,
    useInitialState: inputs.initialState != null,
    masking: inputs.mask != null ? 'steps' : null,
    inputDropout: inputs.dropoutMask != null,
    recurrentDropout: inputs.recurrentDropoutMask != null,
    useInitialCellState: inputs.initialCellState != null,
  };
}
