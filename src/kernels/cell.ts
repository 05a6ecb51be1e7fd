/**
 * A recurrent cell, defined once. `Cell` is how the kernels see it (a description, no GPU objects);
 * `CellDefinition` is the whole cell: its kernel-facing forms, its config, its public buffer names, its
 * float64 reference, its step in stock tensor ops, and the names tfjs and Keras know it by. Generic
 * code builds everything else from the definition: the core layer (recurrent-layer.ts), the trainer's
 * layers, and on the tfjs side the kernels, the op, the fused layer, the stock twin and fuseModel's
 * mapping. simple-rnn.ts, lstm.ts and gru.ts each define one; cells.ts lists them.
 */
import type { StorageBinding } from '../gpu/kernel.js';
import type { Activation } from './activation.js';
import type { MaskForm } from './side-inputs.js';
import type { RNNShape } from './shape.js';

export interface CellModule {
  /** The cell's WGSL for one step, composed after the driver (whose header states the contract). */
  readonly code: string;
  /** Its own bindings, after the driver's. */
  readonly bindings: readonly StorageBinding[];
}

/** A cell as the kernels see it. */
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
  /** saved is a state the cell carries from step to step (LSTM's c), with an initial value and a last. */
  readonly savedIsState: boolean;
  /** recurrent_kernel's gradient for the last gate takes `saved` as operand, not h_{s-1} (GRU without resetAfter). */
  readonly savedOperand: boolean;
  /** The forward kernel's own input (bound after the driver's): a GRU's recurrent bias row (resetAfter). */
  readonly cellInput: 'bias' | null;
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

/**
 * Every config field a cell may take, resolved: the shape, what every cell has, and the fields only
 * some cells have (at their defaults where the cell lacks them).
 */
export interface LayerConfig extends RNNShape {
  readonly activation: Activation;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  readonly useInitialState: boolean;
  /** A mask comes with the input: per step ([batch, timesteps]) or as lengths ([batch]); null for none. */
  readonly masking: MaskForm | null;
  /** A dropout mask [batch, features] multiplies every step's input (dropoutMask). */
  readonly inputDropout: boolean;
  /** A dropout mask [batch, units] multiplies h_{s-1} wherever the cell reads it (recurrentDropoutMask). */
  readonly recurrentDropout: boolean;
  readonly recurrentActivation: Activation;
  readonly useInitialCellState: boolean;
  readonly resetAfter: boolean;
}

/** The config fields only some cells have. */
export type CellOption = 'recurrentActivation' | 'useInitialCellState' | 'resetAfter';

/**
 * Canonical names of a layer's buffers. A cell's public API renames a few (CellDefinition.names):
 * SimpleRNN's gates are z, LSTM's saved sequence is c.
 */
export type BufferName =
  | 'x'
  | 'kernel'
  | 'recurrentKernel'
  | 'bias'
  | 'initialState'
  | 'initialCellState'
  | 'mask'
  | 'dropoutMask'
  | 'recurrentDropoutMask'
  | 'h'
  | 'gates'
  | 'saved'
  | 'last'
  | 'lastSaved'
  | 'dh'
  | 'dhLast'
  | 'dcLast'
  | 'dx'
  | 'dKernel'
  | 'dRecurrentKernel'
  | 'dBias'
  | 'dInitialState'
  | 'dInitialCellState'
  | 'dGates';

export type Arrays = Readonly<Record<string, ArrayLike<number> | null | undefined>>;

/** The tensor operations a cell's step needs: tfjs's, or any library's with the same meaning. */
export interface StepOps<T> {
  matMul(a: T, b: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** 1 - x. */
  oneMinus(x: T): T;
  /** Splits the last axis: into `sizes` equal blocks, or blocks of the sizes listed. */
  split(x: T, sizes: number | number[]): T[];
  activation(name: Activation): (x: T) => T;
}

/** A step's inputs besides the states: the recurrent kernel, and the recurrent bias row where there is one. */
export interface StepWeights<T> {
  readonly recurrentKernel: T;
  /** Bias row 1 of a cell with two bias rows (GRU resetAfter); null otherwise or without a bias. */
  readonly recurrentBias: T | null;
}

export interface CellDefinition {
  /** The one spelling of the cell in configs and tables, and tf.layers' factory: simpleRNN, lstm, gru. */
  readonly id: string;
  /** Keras's and tfjs's class name: SimpleRNN, LSTM, GRU. Names the layer in errors. */
  readonly className: string;
  /** Blocks of `units` columns in its weights (Cell.gates, whatever the config). */
  readonly gates: number;
  /** The fields of its config beyond those every cell has. */
  readonly options: readonly CellOption[];
  /** States carried from step to step: 1 (h) or 2 (h, c: LSTM). */
  readonly states: 1 | 2;
  /** The kernel-facing cell for a config's options (GRU: resetAfter picks one of two). */
  cell(options: Readonly<Partial<Pick<LayerConfig, CellOption>>>): Cell;
  /** Options that pick each of its kernel-facing cells once (tests run every one). */
  readonly variants: readonly Readonly<Partial<Pick<LayerConfig, CellOption>>>[];
  /** Public names of the canonical buffers the cell renames. */
  readonly names: Partial<Record<BufferName, string>>;
  /**
   * The float64 reference, by public names: forward from the inputs (x, kernel, recurrentKernel, bias,
   * initial states) to the forward outputs; backward from those plus dh (every step's) and dcLast
   * (LSTM) to every input's gradient.
   */
  readonly reference: {
    forward(inputs: Arrays, config: LayerConfig): Record<string, Float64Array>;
    backward(inputs: Arrays, config: LayerConfig): Record<string, Float64Array>;
  };
  /**
   * One step in stock tensor ops from the input projection p (x_t·kernel + the input bias) and the
   * states before it (h first) to the states after it: the stock twin every comparison runs.
   */
  step<T>(ops: StepOps<T>, p: T, states: readonly T[], weights: StepWeights<T>, config: LayerConfig): T[];
  /** Whether stock tfjs can build the layer of this config (tf.layers.gru cannot do resetAfter). */
  stockBuildable(options: Readonly<Partial<Pick<LayerConfig, CellOption>>>): boolean;
}
