/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn/tfjs: the fused kernels inside TensorFlow.js (peer dependencies `@tensorflow/tfjs` and,
 * for the webgpu backend, `@tensorflow/tfjs-backend-webgpu`).
 *
 * Importing it registers nothing: a fused layer or op registers the kernels the first time it
 * runs, and registerKernels() does it explicitly (before loading a saved model, for instance).
 */
import { hasFusedKernels, simpleRNN, type SimpleRNNOpOptions } from './model/simple-rnn-op.js';

export { registerKernels } from './model/register-kernels.js';
export { FusedSimpleRNN, fusedSimpleRNN, type FusedSimpleRNNArgs } from './model/fused-simple-rnn.js';
export { buildSeedModel, type SeedModelOptions } from './model/seed-model.js';
export { SIMPLE_RNN, SIMPLE_RNN_GRAD } from './model/kernel-names.js';
export { copyWeightsToModel, createTrainerFromModel } from './model/trainer-from-model.js';
/** The fused SimpleRNN as a differentiable tfjs op (see src/model/simple-rnn-op.ts). */
export const ops = { simpleRNN, hasFusedKernels };
export type { SimpleRNNOpOptions };
