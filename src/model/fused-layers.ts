/**
 * The fused layers: drop-in tf.layers.simpleRNN, lstm and gru whose whole recurrence (and gradient)
 * runs as the fused kernels, one class per cell of the registry (fused-rnn.ts holds what they do).
 * Each saves under its stock class name where stock tfjs can build it (fused-layer-classes.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { CellDefinition } from '../kernels/cell.js';
import { GRU_CELL } from '../kernels/gru.js';
import { LSTM_CELL } from '../kernels/lstm.js';
import { SIMPLE_RNN_CELL } from '../kernels/simple-rnn.js';
import { registerFusedClass } from './fused-layer-classes.js';
import { FusedRNN } from './fused-rnn.js';

export type FusedSimpleRNNArgs = Parameters<typeof tf.layers.simpleRNN>[0];
export type FusedLSTMArgs = Parameters<typeof tf.layers.lstm>[0];
export type FusedGRUArgs = Parameters<typeof tf.layers.gru>[0] & {
  /** Keras's form: the reset gate after the recurrent product, bias [2, 3U]. Default false, as tfjs. */
  resetAfter?: boolean;
};

/** SimpleRNN: weights kernel [F,U], recurrent_kernel [U,U], bias [U]. */
export class FusedSimpleRNN extends FusedRNN {
  static override className = 'FusedSimpleRNN';
  static override readonly cell: CellDefinition = SIMPLE_RNN_CELL;
  constructor(args: FusedSimpleRNNArgs) {
    super(args);
    registerFusedLayers();
  }
}

/**
 * LSTM: weights kernel [F,4U], recurrent_kernel [U,4U], bias [4U], gates i, f, c̃, o; tfjs 4.22's
 * defaults (recurrentActivation hardSigmoid, unitForgetBias...). With returnState it returns
 * [output, h, c]; initial states [h, c] come through the call.
 */
export class FusedLSTM extends FusedRNN {
  static override className = 'FusedLSTM';
  static override readonly cell: CellDefinition = LSTM_CELL;
  constructor(args: FusedLSTMArgs) {
    super(args);
    registerFusedLayers();
  }
}

/**
 * GRU: weights kernel [F,3U], recurrent_kernel [U,3U], bias [3U], gates z, r, h̃. resetAfter: true is
 * Keras's (and cuDNN's) default form, which tf.layers.gru refuses: bias [2, 3U] (input row, recurrent
 * row), so a Keras GRU's weights load with setWeights as they are; it saves as FusedGRU, the one name
 * stock tfjs cannot load.
 */
export class FusedGRU extends FusedRNN {
  static override className = 'FusedGRU';
  static override readonly cell: CellDefinition = GRU_CELL;
  constructor(args: FusedGRUArgs) {
    super(args);
    registerFusedLayers();
  }
}

/** Every cell's fused layer class. */
export const FUSED_LAYERS: readonly (typeof FusedRNN & tf.serialization.SerializableConstructor<FusedRNN>)[] = [
  FusedSimpleRNN,
  FusedLSTM,
  FusedGRU,
] as never;

/** The fused layer class of a cell. */
export const fusedLayerOf = (cell: CellDefinition) => FUSED_LAYERS.find((cls) => cls.cell === cell)!;

/** Makes the fused layers known to tfjs's registry (fused-layer-classes.ts). Idempotent. */
export function registerFusedLayers(): void {
  for (const cls of FUSED_LAYERS) registerFusedClass(cls as never, cls.cell.className);
}

/** The factories, as tf.layers.simpleRNN, lstm and gru (plus resetAfter). */
export const fusedSimpleRNN = (args: FusedSimpleRNNArgs): FusedSimpleRNN => new FusedSimpleRNN(args);
export const fusedLSTM = (args: FusedLSTMArgs): FusedLSTM => new FusedLSTM(args);
export const fusedGRU = (args: FusedGRUArgs): FusedGRU => new FusedGRU(args);
