/**
 * The fused GRU on any GPUDevice, forward and backward, with Keras semantics (gates z, r, h̃, each
 * `units` wide, in that column order), in both of Keras's variants:
 *
 *   z = recurrentActivation(x·k_z + h_{s-1}·rk_z + b_z),   r = recurrentActivation(x·k_r + h_{s-1}·rk_r + b_r)
 *   resetAfter false (tfjs's only form):  h̃ = activation(x·k_h̃ + b_h̃ + (r ⊙ h_{s-1})·rk_h̃),  bias [3·units]
 *   resetAfter true (Keras's and cuDNN's default):
 *     h̃ = activation(x·k_h̃ + b_in,h̃ + r ⊙ (h_{s-1}·rk_h̃ + b_rec,h̃)),  bias [2, 3·units] (input row, recurrent row;
 *     z and r add both rows' biases)
 *   h_s = z ⊙ h_{s-1} + (1 - z) ⊙ h̃,   x = x_t(s),   t(s) = goBackwards ? T-1-s : s,   h_{-1} = initialState or 0,
 *
 * outputs in consumption order. A cell of the core (cell.ts) with three gates: its step is
 * gru-forward.wgsl and gru-backward.wgsl (RESET_AFTER picks the variant), recurrent-layer.ts runs
 * it. Forward encodes 2 dispatches, backward 3, as SimpleRNN; without resetAfter each step takes two
 * synchronised phases, so stepwise it takes two dispatches per step.
 */
import backwardCode from '../wgsl/gru-backward.wgsl?raw';
import forwardCode from '../wgsl/gru-forward.wgsl?raw';
import type { Cell } from './cell.js';
import { resolveGRUConfig, type GRUConfig, type ResolvedGRUConfig } from './config.js';
import { checkDevice, createRecurrentLayer, type RecurrentLayer } from './recurrent-layer.js';

const forward = {
  code: forwardCode,
  bindings: [
    { name: 'bias', access: 'read', holds: '[2, 3·units], resetAfter only (read only when params.hasCellInput)' },
  ],
} as const;
const backward = {
  code: backwardCode,
  bindings: [
    { name: 'h', access: 'read', holds: '[batch, timesteps, units] from the forward pass', tiles: true },
    {
      name: 'initialState',
      access: 'read',
      holds: '[batch, units] (read only when params.hasInitialState)',
      tiles: true,
    },
    {
      name: 'saved',
      access: 'read',
      holds: '[batch, timesteps, units]: the reset product (resetAfter only)',
      tiles: true,
    },
  ],
} as const;

/** resetAfter false: (r ⊙ h_{s-1})·rk_h̃ needs all of r, so a step takes two phases; its weight gradient takes r ⊙ h_{s-1}. */
export const GRU_CELL: Cell = {
  name: 'gru',
  gates: 3,
  gradientBlocks: 3,
  phases: 2,
  biasRows: 1,
  saves: true,
  savedOperand: true,
  constants: { RESET_AFTER: 0 },
  forward,
  backward,
};

/** resetAfter true: one phase; the recurrent side of h̃ has its own gradient block (times r), and a bias row. */
export const GRU_RESET_AFTER_CELL: Cell = {
  ...GRU_CELL,
  gradientBlocks: 4,
  phases: 1,
  biasRows: 2,
  savedOperand: false,
  constants: { RESET_AFTER: 1 },
};

export interface GRUForwardInputs {
  /** [batch, timesteps, features] */
  readonly x: GPUBuffer;
  /** [features, 3·units] */
  readonly kernel: GPUBuffer;
  /** [units, 3·units] */
  readonly recurrentKernel: GPUBuffer;
  /** [3·units], or [2, 3·units] with resetAfter; required when config.useBias (the default). */
  readonly bias?: GPUBuffer | null;
  /** [batch, units]; required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
}

export interface GRUForwardOutputs {
  /** Every hidden state, [batch, timesteps, units]; h[:, T-1] is the layer's output. */
  readonly h: GPUBuffer;
  /** The gates' pre-activations, [batch, timesteps, 3·units]. */
  readonly gates: GPUBuffer;
  /**
   * [batch, timesteps, units]: r ⊙ h_{s-1} (resetAfter false) or h_{s-1}·rk_h̃ + b_rec,h̃ (resetAfter
   * true), what the backward pass needs besides h and gates.
   */
  readonly resetProduct: GPUBuffer;
  /** The last state on its own, [batch, units]: written only when passed in as an output. */
  readonly last: GPUBuffer | null;
}

export interface GRUBackwardInputs {
  readonly x: GPUBuffer;
  readonly kernel: GPUBuffer;
  readonly recurrentKernel: GPUBuffer;
  /** Accepted and unused, so the forward's inputs can be passed as they are. */
  readonly bias?: GPUBuffer | null;
  /** Required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
  /** From the forward pass. */
  readonly h: GPUBuffer;
  readonly gates: GPUBuffer;
  readonly resetProduct: GPUBuffer;
  /** Gradient of the loss with respect to every hidden state, [batch, timesteps, units]... */
  readonly dh?: GPUBuffer;
  /** ...or, instead, with respect to the last state only, [batch, units]. */
  readonly dhLast?: GPUBuffer;
}

export interface GRUBackwardOutputs {
  /** [batch, timesteps, features] */
  readonly dx: GPUBuffer;
  /** [features, 3·units] */
  readonly dKernel: GPUBuffer;
  /** [units, 3·units] */
  readonly dRecurrentKernel: GPUBuffer;
  /** [3·units], or [2, 3·units] with resetAfter; null when config.useBias is false. */
  readonly dBias: GPUBuffer | null;
  /** [batch, units]: gradient with respect to the initial state (zeros or given). */
  readonly dInitialState: GPUBuffer;
  /**
   * Gradients of the gates' pre-activations, [batch, timesteps, 3·units], with resetAfter
   * [batch, timesteps, 4·units]: the recurrent side's h̃ block last (scratch for the GEMMs).
   */
  readonly dGates: GPUBuffer;
}

export type GRU = RecurrentLayer<
  ResolvedGRUConfig,
  GRUForwardInputs,
  GRUForwardOutputs,
  GRUBackwardInputs,
  GRUBackwardOutputs
>;

export function createGRU(device: GPUDevice, config: GRUConfig): GRU {
  checkDevice(device);
  const resolved = resolveGRUConfig(config);
  return createRecurrentLayer(device, {
    kind: 'GRU',
    cell: resolved.resetAfter ? GRU_RESET_AFTER_CELL : GRU_CELL,
    config: { ...resolved, useInitialCellState: false },
    publicConfig: resolved,
    strategy: config.strategy,
    names: { saved: 'resetProduct' },
    cellState: false,
  });
}
