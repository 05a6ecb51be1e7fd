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
 * outputs in consumption order. A cell with three gates: its step is gru-forward.wgsl and
 * gru-backward.wgsl (RESET_AFTER picks the variant). Forward encodes 2 dispatches, backward 3, as
 * SimpleRNN; without resetAfter each step takes two synchronised phases, so stepwise it takes two
 * dispatches per step.
 */
import backwardCode from '../wgsl/gru-backward.wgsl?raw';
import forwardCode from '../wgsl/gru-forward.wgsl?raw';
import type { Cell, CellDefinition } from './cell.js';
import { cellConfig, resolveLayerConfig, type GRUConfig, type ResolvedGRUConfig } from './config.js';
import { gruBackwardRef, gruForwardRef } from './gru.ref.js';
import { createRecurrentLayer, type RecurrentLayer } from './recurrent-layer.js';

/**
 * resetAfter false: (r ⊙ h_{s-1})·rk_h̃ needs all of r, so a step takes two phases; its weight gradient
 * takes r ⊙ h_{s-1}.
 */
const RESET_BEFORE: Cell = {
  name: 'gru',
  gates: 3,
  gradientBlocks: 3,
  phases: 2,
  biasRows: 1,
  saves: true,
  savedIsState: false,
  savedOperand: true,
  cellInput: null,
  constants: { RESET_AFTER: 0 },
  forward: {
    code: forwardCode,
    bindings: [
      { name: 'bias', access: 'read', holds: '[2, 3·units], resetAfter only (read when params.hasCellInput)' },
    ],
  },
  backward: { code: backwardCode, bindings: [] },
};

/** resetAfter true: one phase; the recurrent side of h̃ has its own gradient block (times r), and a bias row. */
const RESET_AFTER: Cell = {
  ...RESET_BEFORE,
  gradientBlocks: 4,
  phases: 1,
  biasRows: 2,
  savedOperand: false,
  cellInput: 'bias',
  constants: { RESET_AFTER: 1 },
};

export const GRU_CELL: CellDefinition = {
  id: 'gru',
  className: 'GRU',
  gates: 3,
  options: ['recurrentActivation', 'resetAfter'],
  states: 1,
  cell: (config) => (config.resetAfter ? RESET_AFTER : RESET_BEFORE),
  variants: [{ resetAfter: false }, { resetAfter: true }],
  names: { saved: 'resetProduct' },
  reference: {
    forward: (inputs, config) => ({ ...gruForwardRef(inputs as never, config) }),
    backward: (inputs, config) => ({ ...gruBackwardRef(inputs as never, config) }),
  },
  step(ops, p, [h], { recurrentKernel, recurrentBias }, config) {
    const activate = ops.activation(config.activation);
    const gate = ops.activation(config.recurrentActivation);
    const zr = [2 * config.units, config.units];
    const [kernelZR, kernelH] = ops.split(recurrentKernel, zr);
    const [biasZR, biasH] = recurrentBias ? ops.split(recurrentBias, zr) : [null, null];
    const [pz, pr, ph] = ops.split(p, 3);
    let inner = ops.matMul(h!, kernelZR!);
    if (biasZR) inner = ops.add(inner, biasZR);
    const [hz, hr] = ops.split(inner, 2);
    const z = gate(ops.add(pz!, hz!));
    const r = gate(ops.add(pr!, hr!));
    let candidate;
    if (config.resetAfter) {
      let recurrent = ops.matMul(h!, kernelH!);
      if (biasH) recurrent = ops.add(recurrent, biasH);
      candidate = activate(ops.add(ph!, ops.mul(r, recurrent)));
    } else {
      candidate = activate(ops.add(ph!, ops.matMul(ops.mul(r, h!), kernelH!)));
    }
    return [ops.add(ops.mul(z, h!), ops.mul(ops.oneMinus(z), candidate))];
  },
  stockBuildable: (config) => !config.resetAfter,
};

/** Checks and resolves a GRU config (the defaults filled in). */
export const resolveGRUConfig = (config: GRUConfig): ResolvedGRUConfig =>
  cellConfig(GRU_CELL, resolveLayerConfig(GRU_CELL, config));

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
  return createRecurrentLayer(device, GRU_CELL, config);
}
