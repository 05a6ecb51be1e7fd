/**
 * The fused recurrences as differentiable tfjs ops (ops.simpleRNN, ops.lstm, ops.gru), each its cell's
 * recurrentOp (recurrent-op.ts), and their stock twins (ops.stock: the same ops in stock tfjs ops).
 * Weights in Keras's layout; t(s) = goBackwards ? T-1-s : s, states in consumption order.
 *
 *   simpleRNN  h_s = activation(x_t(s)·kernel + h_{s-1}·recurrentKernel + bias)
 *   lstm       a = x_t(s)·kernel + h_{s-1}·recurrentKernel + bias (gates i, f, c̃, o),
 *              i, f, o = recurrentActivation(a_i, a_f, a_o),   c_s = f ⊙ c_{s-1} + i ⊙ activation(a_c̃),
 *              h_s = o ⊙ activation(c_s)
 *   gru        z, r = recurrentActivation(x·k_z + h·rk_z + b_z, x·k_r + h·rk_r + b_r)   (gates z, r, h̃)
 *              resetAfter false (tf.layers.gru):  h̃ = activation(x·k_h̃ + b_h̃ + (r ⊙ h)·rk_h̃),   bias [3U]
 *              resetAfter true (Keras, cuDNN):    h̃ = activation(x·k_h̃ + b_h̃ + r ⊙ (h·rk_h̃ + b'_h̃)),
 *              bias [2, 3U]: b is row 0 (the input row), b' row 1 (the recurrent row; z and r add both)
 *              h_s = z ⊙ h_{s-1} + (1 - z) ⊙ h̃
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_RECURRENT_ACTIVATION, type Activation } from '../kernels/activation.js';
import type { CellDefinition, LayerConfig } from '../kernels/cell.js';
import { GRU_CELL } from '../kernels/gru.js';
import { LSTM_CELL } from '../kernels/lstm.js';
import { SIMPLE_RNN_CELL } from '../kernels/simple-rnn.js';
import { recurrentOp, type RecurrentOpOptions } from './recurrent-op.js';
import { stockRecurrence } from './stock-recurrence.js';

/**
 * tfjs's dropout masks, for training (tf.layers' dropout and recurrentDropout): drawn by the caller
 * (0 drops, kept values scaled, as tf.dropout(tf.ones(...), rate) gives; webgpu-rnn's
 * encodeDropoutMask draws them on a GPUDevice), fixed across the steps, one for every gate as tfjs's
 * cells use them.
 */
export interface DropoutMasks {
  /** [B, F]: multiplies every step's x. */
  readonly dropoutMask?: tf.Tensor | null;
  /**
   * [B, U]: multiplies h_{s-1} wherever the cell reads it (a GRU's blend z ⊙ h_{s-1} too, as tfjs's
   * GRUCell); a mask's carried-over state and LSTM's c are not dropped.
   */
  readonly recurrentDropoutMask?: tf.Tensor | null;
}

export interface SimpleRNNOpOptions extends DropoutMasks {
  /** Default 'tanh', as tf.layers.simpleRNN. */
  readonly activation?: Activation;
  /** Return every state [B, T, U] instead of the last [B, U]. Default false. */
  readonly returnSequences?: boolean;
  /** Return [output, last h] instead of the output. Default false. */
  readonly returnState?: boolean;
  /** Consume the sequence last step first; states come out in consumption order. Default false. */
  readonly goBackwards?: boolean;
  /** [B, U]; default zeros. */
  readonly initialState?: tf.Tensor | null;
  /**
   * Keras's mask [B, T] (bool, int32 or float32; 0 drops a step): at a dropped step a row's states carry
   * over and its output repeats the previous one, as tfjs's rnn() does.
   */
  readonly mask?: tf.Tensor | null;
}

export interface LSTMOpOptions extends DropoutMasks {
  /** Of the candidate and of c. Default 'tanh', as tf.layers.lstm. */
  readonly activation?: Activation;
  /** Of the gates i, f, o. Default 'hardSigmoid', as tf.layers.lstm. */
  readonly recurrentActivation?: Activation;
  /** Return every h [B, T, U] instead of the last [B, U]. Default false. */
  readonly returnSequences?: boolean;
  /** Return [output, last h, last c] instead of the output. Default false. */
  readonly returnState?: boolean;
  /** Consume the sequence last step first; states come out in consumption order. Default false. */
  readonly goBackwards?: boolean;
  /** h before the first step, [B, U]; default zeros. */
  readonly initialState?: tf.Tensor | null;
  /** c before the first step, [B, U]; default zeros. */
  readonly initialCellState?: tf.Tensor | null;
  /** Keras's mask [B, T] (bool, int32 or float32; 0 drops a step), as SimpleRNNOpOptions's. */
  readonly mask?: tf.Tensor | null;
}

export interface GRUOpOptions extends DropoutMasks {
  /** Of the candidate h̃. Default 'tanh', as tf.layers.gru. */
  readonly activation?: Activation;
  /** Of the gates z, r. Default 'hardSigmoid', as tf.layers.gru. */
  readonly recurrentActivation?: Activation;
  /** Keras's and cuDNN's form, bias [2, 3U] (tf.layers.gru has only false). Default false. */
  readonly resetAfter?: boolean;
  /** Return every h [B, T, U] instead of the last [B, U]. Default false. */
  readonly returnSequences?: boolean;
  /** Return [output, last h] instead of the output. Default false. */
  readonly returnState?: boolean;
  /** Consume the sequence last step first; states come out in consumption order. Default false. */
  readonly goBackwards?: boolean;
  /** h before the first step, [B, U]; default zeros. */
  readonly initialState?: tf.Tensor | null;
  /** Keras's mask [B, T] (bool, int32 or float32; 0 drops a step), as SimpleRNNOpOptions's. */
  readonly mask?: tf.Tensor | null;
}

type Weights = [x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor | null];

export interface SimpleRNNOp {
  (...args: [...Weights, options: SimpleRNNOpOptions & { returnState: true }]): [tf.Tensor, tf.Tensor];
  (...args: [...Weights, options?: SimpleRNNOpOptions]): tf.Tensor;
}
export interface LSTMOp {
  (...args: [...Weights, options: LSTMOpOptions & { returnState: true }]): [tf.Tensor, tf.Tensor, tf.Tensor];
  (...args: [...Weights, options?: LSTMOpOptions]): tf.Tensor;
}
export interface GRUOp {
  (...args: [...Weights, options: GRUOpOptions & { returnState: true }]): [tf.Tensor, tf.Tensor];
  (...args: [...Weights, options?: GRUOpOptions]): tf.Tensor;
}

export const simpleRNN = recurrentOp(SIMPLE_RNN_CELL) as SimpleRNNOp;
export const lstm = recurrentOp(LSTM_CELL) as LSTMOp;
export const gru = recurrentOp(GRU_CELL) as GRUOp;

/**
 * `cell`'s stock twin with its op's signature: the same recurrence in stock tfjs ops, which tfjs
 * differentiates. Arguments are not checked beyond what tfjs checks.
 */
export function stockOp(cell: CellDefinition) {
  return (
    x: tf.Tensor,
    kernel: tf.Tensor,
    recurrentKernel: tf.Tensor,
    bias: tf.Tensor | null,
    options: RecurrentOpOptions = {},
  ): tf.Tensor | tf.Tensor[] => {
    const [batch, timesteps, features] = x.shape as [number, number, number];
    const config: LayerConfig = {
      batch,
      timesteps,
      features,
      units: recurrentKernel.shape[0]!,
      activation: options.activation ?? 'tanh',
      recurrentActivation: options.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION,
      resetAfter: options.resetAfter ?? false,
      goBackwards: options.goBackwards ?? false,
      useBias: bias != null,
      useInitialState: options.initialState != null,
      masking: options.mask ? 'steps' : null,
      inputDropout: options.dropoutMask != null,
      recurrentDropout: options.recurrentDropoutMask != null,
      useInitialCellState: options.initialCellState != null,
    };
    const { output, states } = stockRecurrence(cell, config, x, kernel, recurrentKernel, bias, {
      returnSequences: options.returnSequences ?? false,
      goBackwards: config.goBackwards,
      initialStates: [options.initialState ?? null, options.initialCellState ?? null],
      mask: options.mask ?? null,
      dropoutMask: options.dropoutMask ?? null,
      recurrentDropoutMask: options.recurrentDropoutMask ?? null,
    });
    if (options.returnState) return [output, ...states];
    tf.dispose(states.filter((state) => state !== output));
    return output;
  };
}

/** Every cell's stock twin, by its id, with its fused op's signature. */
export const stock = {
  simpleRNN: stockOp(SIMPLE_RNN_CELL) as SimpleRNNOp,
  lstm: stockOp(LSTM_CELL) as LSTMOp,
  gru: stockOp(GRU_CELL) as GRUOp,
};
