/**
 * A recurrent cell as the core sees it: a description, no GPU objects. The core's kernels run any
 * cell: input-projection (x·kernel + bias over the cell's gates·units columns), the recurrence drivers
 * (recurrence-forward.wgsl and recurrence-backward.wgsl, each composed with the cell's module for
 * the math of one step), weight-gradients and input-gradient. simple-rnn.ts, lstm.ts and gru.ts
 * each describe one, with its float64 reference beside it; recurrent-layer.ts composes the kernels
 * into a layer.
 */
import type { StorageBinding } from '../gpu/kernel.js';
import type { RNNShape } from './shape.js';

export interface CellModule {
  /** The cell's WGSL for one step, composed after the driver (whose header states the contract). */
  readonly code: string;
  /** Its own bindings, after the driver's. */
  readonly bindings: readonly StorageBinding[];
}

export interface Cell {
  /** Names its kernels (recurrence-forward/NAME) and, with its constants, their pipelines. */
  readonly name: string;
  /** Blocks of `units` columns in kernel, recurrent_kernel, bias and gates, in Keras's order. */
  readonly gates: number;
  /**
   * Blocks per row of dGates: gates, or one more when the recurrent side of the last gate has its
   * own gradient (GRU resetAfter), which the weight GEMM reads for recurrent_kernel and bias row 1.
   */
  readonly gradientBlocks: number;
  /** Synchronised phases per timestep, forward and backward: 1, or 2 for a GRU without resetAfter. */
  readonly phases: number;
  /** Rows of bias: 1 ([gates·units]) or 2 ([2, gates·units], input then recurrent: GRU resetAfter). */
  readonly biasRows: 1 | 2;
  /** The forward pass writes a `saved` sequence [B, T, U] (LSTM: c; GRU: its reset product). */
  readonly saves: boolean;
  /** recurrent_kernel's gradient for the last gate takes `saved` as operand, not h_{s-1} (GRU without resetAfter). */
  readonly savedOperand: boolean;
  /** Override constants of the cell's modules (GRU: RESET_AFTER). */
  readonly constants: Readonly<Record<string, number>>;
  readonly forward: CellModule;
  readonly backward: CellModule;
}

/** A layer's shape with its cell's block counts, as the kernels take it. */
export type CellShape = RNNShape & { readonly gates: number; readonly gradientBlocks: number };

export const cellShape = (shape: RNNShape, cell: Cell): CellShape => ({
  batch: shape.batch,
  timesteps: shape.timesteps,
  features: shape.features,
  units: shape.units,
  gates: cell.gates,
  gradientBlocks: cell.gradientBlocks,
});
