/**
 * The fused LSTM on any GPUDevice, forward and backward, with Keras semantics (gates i, f, c̃, o,
 * each `units` wide, in that column order):
 *
 *   a = x_t(s) · kernel + h_{s-1} · recurrentKernel + bias
 *   i, f, o = recurrentActivation(a_i, a_f, a_o),   c_s = f ⊙ c_{s-1} + i ⊙ activation(a_c̃),
 *   h_s = o ⊙ activation(c_s),   t(s) = goBackwards ? T-1-s : s,   h_{-1}, c_{-1} = the initial states or 0,
 *
 * outputs in consumption order. A cell with four gates: its step is lstm-forward.wgsl and
 * lstm-backward.wgsl. Forward encodes 2 dispatches, backward 3 (as SimpleRNN), plus a buffer copy when
 * dcLast is given.
 */
import backwardCode from '../wgsl/lstm-backward.wgsl?raw';
import forwardCode from '../wgsl/lstm-forward.wgsl?raw';
import type { Cell, CellDefinition } from './cell.js';
import { cellConfig, resolveLayerConfig, type LSTMConfig, type ResolvedLSTMConfig } from './config.js';
import { lstmBackwardRef, lstmForwardRef } from './lstm.ref.js';
import { createRecurrentLayer, type RecurrentLayer } from './recurrent-layer.js';

const CELL: Cell = {
  name: 'lstm',
  gates: 4,
  gradientBlocks: 4,
  phases: 1,
  biasRows: 1,
  saves: true,
  savedIsState: true,
  savedOperand: false,
  cellInput: null,
  constants: {},
  forward: { code: forwardCode, bindings: [] },
  backward: { code: backwardCode, bindings: [] },
};

export const LSTM_CELL: CellDefinition = {
  id: 'lstm',
  className: 'LSTM',
  gates: 4,
  options: ['recurrentActivation', 'useInitialCellState'],
  states: 2,
  cell: () => CELL,
  variants: [{}],
  names: { saved: 'c', lastSaved: 'lastCellState' },
  reference: {
    forward: (inputs, config) => ({ ...lstmForwardRef(inputs as never, config) }),
    backward: (inputs, config) => ({ ...lstmBackwardRef(inputs as never, config) }),
  },
  step(ops, p, [h, c], { recurrentKernel }, config) {
    const activate = ops.activation(config.activation);
    const gate = ops.activation(config.recurrentActivation);
    const [i, f, candidate, o] = ops.split(ops.add(p, ops.matMul(h!, recurrentKernel)), 4);
    const next = ops.add(ops.mul(gate(f!), c!), ops.mul(gate(i!), activate(candidate!)));
    return [ops.mul(gate(o!), activate(next)), next];
  },
  stockBuildable: () => true,
};

/** Checks and resolves an LSTM config (the defaults filled in). */
export const resolveLSTMConfig = (config: LSTMConfig): ResolvedLSTMConfig =>
  cellConfig(LSTM_CELL, resolveLayerConfig(LSTM_CELL, config));

export interface LSTMForwardInputs {
  /** [batch, timesteps, features] */
  readonly x: GPUBuffer;
  /** [features, 4·units] */
  readonly kernel: GPUBuffer;
  /** [units, 4·units] */
  readonly recurrentKernel: GPUBuffer;
  /** [4·units]; required when config.useBias (the default). */
  readonly bias?: GPUBuffer | null;
  /** h_{-1}, [batch, units]; required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
  /** c_{-1}, [batch, units]; required when config.useInitialCellState. */
  readonly initialCellState?: GPUBuffer | null;
}

export interface LSTMForwardOutputs {
  /** Every hidden state, [batch, timesteps, units]; h[:, T-1] is the layer's output. */
  readonly h: GPUBuffer;
  /** Every cell state, [batch, timesteps, units]. */
  readonly c: GPUBuffer;
  /** The gates' pre-activations, [batch, timesteps, 4·units]: what the backward pass needs besides h and c. */
  readonly gates: GPUBuffer;
  /** The last h on its own, [batch, units]: written only when passed in as an output. */
  readonly last: GPUBuffer | null;
  /** The last c on its own, [batch, units]: written only when passed in as an output. */
  readonly lastCellState: GPUBuffer | null;
}

export interface LSTMBackwardInputs {
  readonly x: GPUBuffer;
  readonly kernel: GPUBuffer;
  readonly recurrentKernel: GPUBuffer;
  /** Accepted and unused, so the forward's inputs can be passed as they are. */
  readonly bias?: GPUBuffer | null;
  /** Required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
  /** Required when config.useInitialCellState. */
  readonly initialCellState?: GPUBuffer | null;
  /** From the forward pass. */
  readonly h: GPUBuffer;
  readonly c: GPUBuffer;
  readonly gates: GPUBuffer;
  /** Gradient of the loss with respect to every h, [batch, timesteps, units]... */
  readonly dh?: GPUBuffer;
  /** ...or, instead, with respect to the last h only, [batch, units]. */
  readonly dhLast?: GPUBuffer;
  /** Gradient with respect to the last c, [batch, units] (a layer returning its states); needs COPY_SRC. */
  readonly dcLast?: GPUBuffer | null;
}

export interface LSTMBackwardOutputs {
  /** [batch, timesteps, features] */
  readonly dx: GPUBuffer;
  /** [features, 4·units] */
  readonly dKernel: GPUBuffer;
  /** [units, 4·units] */
  readonly dRecurrentKernel: GPUBuffer;
  /** [4·units]; null when config.useBias is false. */
  readonly dBias: GPUBuffer | null;
  /** [batch, units]: gradient with respect to h_{-1} (zeros or given). */
  readonly dInitialState: GPUBuffer;
  /** [batch, units]: gradient with respect to c_{-1} (zeros or given); needs COPY_DST when dcLast is given. */
  readonly dInitialCellState: GPUBuffer;
  /** Gradient with respect to the gates' pre-activations, [batch, timesteps, 4·units] (scratch for the GEMMs). */
  readonly dGates: GPUBuffer;
}

export type LSTM = RecurrentLayer<
  ResolvedLSTMConfig,
  LSTMForwardInputs,
  LSTMForwardOutputs,
  LSTMBackwardInputs,
  LSTMBackwardOutputs
>;

export function createLSTM(device: GPUDevice, config: LSTMConfig): LSTM {
  return createRecurrentLayer(device, LSTM_CELL, config);
}
