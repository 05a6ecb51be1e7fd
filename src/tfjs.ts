/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn/tfjs: the fused kernels inside TensorFlow.js (peer dependencies `@tensorflow/tfjs` and,
 * for the webgpu backend, `@tensorflow/tfjs-backend-webgpu`).
 *
 * Importing it registers nothing: a fused layer or op registers the kernels the first time it
 * runs, and registerKernels() does it explicitly (before loading a saved model, for instance).
 */
import { hasFusedKernels } from './model/fused-kernels.js';
import {
  gru,
  lstm,
  simpleRNN,
  stock,
  type DropoutMasks,
  type GRUOpOptions,
  type LSTMOpOptions,
  type SimpleRNNOpOptions,
} from './model/ops.js';

export { registerKernels } from './model/register-kernels.js';
export {
  FusedGRU,
  fusedGRU,
  FusedLSTM,
  fusedLSTM,
  FusedSimpleRNN,
  fusedSimpleRNN,
  type FusedGRUArgs,
  type FusedLSTMArgs,
  type FusedSimpleRNNArgs,
} from './model/fused-layers.js';
export { fuseModel } from './model/fuse-model.js';
export { FusedRNN } from './model/fused-rnn.js';
export { buildSeedModel, SEED_CELLS, type SeedCell, type SeedModelOptions } from './model/seed-model.js';
export { GRU, GRU_GRAD, LSTM, LSTM_GRAD, SIMPLE_RNN, SIMPLE_RNN_GRAD } from './model/kernel-names.js';
export { copyWeightsToModel, createTrainerFromModel } from './model/trainer-from-model.js';
/**
 * The fused recurrences as differentiable tfjs ops (src/model/ops.ts), and ops.stock: the same
 * recurrences in stock tfjs ops (the rival every comparison runs).
 */
export const ops = { simpleRNN, lstm, gru, stock, hasFusedKernels };
export type { DropoutMasks, GRUOpOptions, LSTMOpOptions, SimpleRNNOpOptions };
