/**
 * The fused SimpleRNN on any GPUDevice, forward and backward, with Keras semantics:
 *
 *   z_s = x_t(s) · kernel + h_{s-1} · recurrentKernel + bias,   h_s = activation(z_s),
 *   t(s) = goBackwards ? T-1-s : s,   h_{-1} = initialState or 0,
 *
 * outputs in consumption order. A cell with one gate: its step is simple-rnn-forward.wgsl and
 * simple-rnn-backward.wgsl. Forward encodes 2 dispatches (input projection, recurrence), backward 3
 * (recurrence, weight gradients, input gradient), the recurrences one per chunk of steps (persistent)
 * or one per step (stepwise).
 */
import backwardCode from '../wgsl/simple-rnn-backward.wgsl?raw';
import forwardCode from '../wgsl/simple-rnn-forward.wgsl?raw';
import type { Cell, CellDefinition } from './cell.js';
import { cellConfig, resolveLayerConfig, type ResolvedConfig, type SimpleRNNConfig } from './config.js';
import { createRecurrentLayer, type RecurrentLayer } from './recurrent-layer.js';
import { simpleRNNBackwardRef, simpleRNNForwardRef } from './simple-rnn.ref.js';

const CELL: Cell = {
  name: 'simple-rnn',
  gates: 1,
  gradientBlocks: 1,
  phases: 1,
  biasRows: 1,
  saves: false,
  savedIsState: false,
  savedOperand: false,
  cellInput: null,
  constants: {},
  forward: { code: forwardCode, bindings: [] },
  backward: { code: backwardCode, bindings: [] },
};

export const SIMPLE_RNN_CELL: CellDefinition = {
  id: 'simpleRNN',
  className: 'SimpleRNN',
  gates: 1,
  options: [],
  states: 1,
  cell: () => CELL,
  variants: [{}],
  names: { gates: 'z', dGates: 'dz' },
  reference: {
    forward: (inputs, config) => ({ ...simpleRNNForwardRef(inputs as never, config) }),
    backward: (inputs, config) => ({ ...simpleRNNBackwardRef(inputs as never, config) }),
  },
  step: (ops, p, [h], { recurrentKernel }, config) => [
    ops.activation(config.activation)(ops.add(p, ops.matMul(h!, recurrentKernel))),
  ],
  stockBuildable: () => true,
};

/** Checks and resolves a SimpleRNN config (the defaults filled in). */
export const resolveConfig = (config: SimpleRNNConfig): ResolvedConfig =>
  cellConfig(SIMPLE_RNN_CELL, resolveLayerConfig(SIMPLE_RNN_CELL, config));

export interface SimpleRNNForwardInputs {
  /** [batch, timesteps, features] */
  readonly x: GPUBuffer;
  /** [features, units] */
  readonly kernel: GPUBuffer;
  /** [units, units] */
  readonly recurrentKernel: GPUBuffer;
  /** [units]; required when config.useBias (the default). */
  readonly bias?: GPUBuffer | null;
  /** [batch, units]; required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
}

export interface SimpleRNNForwardOutputs {
  /** Every hidden state, [batch, timesteps, units]; h[:, T-1] is the layer's output. */
  readonly h: GPUBuffer;
  /** Pre-activations, [batch, timesteps, units]: what the backward pass needs besides h. */
  readonly z: GPUBuffer;
  /** The last state on its own, [batch, units]: written only when passed in as an output. */
  readonly last: GPUBuffer | null;
}

export interface SimpleRNNBackwardInputs {
  readonly x: GPUBuffer;
  readonly kernel: GPUBuffer;
  readonly recurrentKernel: GPUBuffer;
  /** Accepted and unused, so the forward's inputs can be passed as they are. */
  readonly bias?: GPUBuffer | null;
  /** Required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
  /** From the forward pass. */
  readonly h: GPUBuffer;
  readonly z: GPUBuffer;
  /** Gradient of the loss with respect to every hidden state, [batch, timesteps, units]... */
  readonly dh?: GPUBuffer;
  /** ...or, instead, with respect to the last state only, [batch, units] (a layer without returnSequences). */
  readonly dhLast?: GPUBuffer;
}

export interface SimpleRNNBackwardOutputs {
  /** [batch, timesteps, features] */
  readonly dx: GPUBuffer;
  /** [features, units] */
  readonly dKernel: GPUBuffer;
  /** [units, units] */
  readonly dRecurrentKernel: GPUBuffer;
  /** [units]; null when config.useBias is false. */
  readonly dBias: GPUBuffer | null;
  /** [batch, units]: gradient with respect to the initial state (zeros or given). */
  readonly dInitialState: GPUBuffer;
  /** Gradient with respect to the pre-activations, [batch, timesteps, units] (scratch for the GEMMs). */
  readonly dz: GPUBuffer;
}

export type SimpleRNN = RecurrentLayer<
  ResolvedConfig,
  SimpleRNNForwardInputs,
  SimpleRNNForwardOutputs,
  SimpleRNNBackwardInputs,
  SimpleRNNBackwardOutputs
>;

export function createSimpleRNN(device: GPUDevice, config: SimpleRNNConfig): SimpleRNN {
  return createRecurrentLayer(device, SIMPLE_RNN_CELL, config);
}
