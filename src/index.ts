/**
 * webgpu-rnn: fused recurrent layers (SimpleRNN, LSTM, GRU; forward and BPTT) as WebGPU compute kernels.
 * Importing this module has no side effects.
 */
import { hasFusedKernels, simpleRNN, type SimpleRNNOpOptions } from './model/simple-rnn-op.js';

export { ACTIVATIONS, DEFAULT_ACTIVATION, isActivation, type Activation } from './kernels/activation.js';
export type { RNNShape } from './kernels/shape.js';
export type { SimpleRNNConfig, ResolvedConfig, LSTMConfig, ResolvedLSTMConfig, GRUConfig, ResolvedGRUConfig } from './kernels/config.js';
export {
  chooseStrategy,
  deviceTraits,
  WORKGROUP_ORDERS,
  type DeviceTraits,
  type RecurrenceMode,
  type Strategy,
  type WorkgroupOrder,
} from './kernels/strategy.js';
export {
  createSimpleRNN,
  type SimpleRNN,
  type SimpleRNNBackwardInputs,
  type SimpleRNNBackwardOutputs,
  type SimpleRNNForwardInputs,
  type SimpleRNNForwardOutputs,
} from './kernels/simple-rnn.js';
export {
  createLSTM,
  type LSTM,
  type LSTMBackwardInputs,
  type LSTMBackwardOutputs,
  type LSTMForwardInputs,
  type LSTMForwardOutputs,
} from './kernels/lstm.js';
export {
  createGRU,
  type GRU,
  type GRUBackwardInputs,
  type GRUBackwardOutputs,
  type GRUForwardInputs,
  type GRUForwardOutputs,
} from './kernels/gru.js';
export type { RecurrentLayer } from './kernels/recurrent-layer.js';
export {
  simpleRNNBackwardRef,
  simpleRNNForwardRef,
  type SimpleRNNArrays,
  type SimpleRNNForwardRef,
  type SimpleRNNGradientsRef,
} from './kernels/simple-rnn.ref.js';
export { createFloat32Buffer, readFloat32Buffer } from './gpu/buffers.js';

// Standalone trainer (no tfjs)
export { createTrainer, type FitOptions, type Trainer, type TrainerInput, type TrainerTarget } from './trainer/trainer.js';
export { ADAM_DEFAULTS, type ResolvedTrainerConfig, type TrainerConfig } from './trainer/config.js';
export type { ShapedData } from './trainer/data.js';
export type { AdamConfig } from './kernels/trainer-update.js';

// tfjs integration
export { registerKernels } from './model/register-kernels.js';
export { FusedSimpleRNN, fusedSimpleRNN, type FusedSimpleRNNArgs } from './model/fused-simple-rnn.js';
export { splitSequence } from './model/split-sequence.js';
export { buildSeedModel, type SeedModelOptions } from './model/seed-model.js';
export { SIMPLE_RNN, SIMPLE_RNN_GRAD } from './model/kernel-names.js';
export { copyWeightsToModel, createTrainerFromModel } from './model/trainer-from-model.js';
/** The fused SimpleRNN as a differentiable tfjs op (see src/model/simple-rnn-op.ts). */
export const ops = { simpleRNN, hasFusedKernels };
export type { SimpleRNNOpOptions };
export type { KernelRun, KernelSpec, Dispatch } from './gpu/kernel.js';
