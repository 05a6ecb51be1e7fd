/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn/tfjs: the fused kernels inside TensorFlow.js (peer dependencies `@tensorflow/tfjs` and,
 * for the webgpu backend, `@tensorflow/tfjs-backend-webgpu`).
 *
 * Importing it registers nothing: a fused layer or op registers the kernels the first time it
 * runs, and registerKernels() does it explicitly (before loading a saved model, for instance).
 */
import { hasFusedKernels } from './model/fused-kernels.js';
import { gru, type GRUOpOptions } from './model/gru-op.js';
import { lstm, type LSTMOpOptions } from './model/lstm-op.js';
import { simpleRNN, type SimpleRNNOpOptions } from './model/simple-rnn-op.js';

export { registerKernels } from './model/register-kernels.js';
export { FusedSimpleRNN, fusedSimpleRNN, type FusedSimpleRNNArgs } from './model/fused-simple-rnn.js';
export { FusedLSTM, fusedLSTM, type FusedLSTMArgs } from './model/fused-lstm.js';
export { FusedGRU, fusedGRU, type FusedGRUArgs } from './model/fused-gru.js';
export { fuseModel } from './model/fuse-model.js';
export { buildSeedModel, SEED_CELLS, type SeedCell, type SeedModelOptions } from './model/seed-model.js';
export { GRU, GRU_GRAD, LSTM, LSTM_GRAD, SIMPLE_RNN, SIMPLE_RNN_GRAD } from './model/kernel-names.js';
export { copyWeightsToModel, createTrainerFromModel } from './model/trainer-from-model.js';
/** The fused recurrences as differentiable tfjs ops (see src/model/*-op.ts). */
export const ops = { simpleRNN, lstm, gru, hasFusedKernels };
export type { GRUOpOptions, LSTMOpOptions, SimpleRNNOpOptions };
