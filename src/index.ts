/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn: fused recurrent layers (SimpleRNN, LSTM, GRU; forward and BPTT) as WebGPU compute
 * kernels, on a bare GPUDevice.
 *
 * The core entry: kernels, GPU buffer helpers and the standalone trainer. Nothing here imports
 * TensorFlow.js (the tfjs integration is `webgpu-rnn/tfjs`), and importing it has no side effects.
 */
export { ACTIVATIONS, DEFAULT_ACTIVATION, isActivation, type Activation } from './kernels/activation.js';
export type { RNNShape } from './kernels/shape.js';
export type {
  SimpleRNNConfig,
  ResolvedConfig,
  LSTMConfig,
  ResolvedLSTMConfig,
  GRUConfig,
  ResolvedGRUConfig,
} from './kernels/config.js';
export {
  chooseStrategy,
  deviceTraits,
  pinStrategy,
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
export { createRecurrentLayer, type RecurrentLayer } from './kernels/recurrent-layer.js';
export type { CellDefinition, CellOption, LayerConfig, StepOps, StepWeights } from './kernels/cell.js';
export { CELLS, CELL_IDS, cellById, type CellId } from './kernels/cells.js';
export { encodeDropoutMask, type DropoutMaskOptions } from './kernels/dropout-mask.js';
export { createFloat32Buffer, readFloat32Buffer } from './gpu/buffers.js';
export { requestedLimits } from './gpu/device-limits.js';
export type { KernelRun, KernelSpec, Dispatch } from './gpu/kernel.js';

// Standalone trainer
export {
  createTrainer,
  type EpochLogs,
  type FitHistory,
  type FitOptions,
  type Trainer,
  type TrainerInput,
  type TrainerTarget,
} from './trainer/trainer.js';
export {
  ADAM_DEFAULTS,
  TRAINER_CELLS,
  type AdamConfig,
  type EmbeddingConfig,
  type OptimizerName,
  type OptimizerOptions,
  type ResolvedTrainerConfig,
  type TrainerCell,
  type TrainerConfig,
} from './trainer/config.js';
export type { ClassIds, ShapedData, ShapedIds, TokenIds } from './trainer/data.js';
export type { SampleOptions } from './trainer/sampler.js';
export { HEAD_LOSSES, type LossName, type Metric, type OutputActivation } from './trainer/head-config.js';
export type { OptimizerConfig } from './kernels/trainer-optimizer.js';
export type { Loss } from './kernels/trainer-loss.js';

// The seed notebook's windowing (plain arrays, no tfjs)
export { splitSequence } from './model/split-sequence.js';

// Weights from PyTorch and ONNX, in Keras's layout
export { convertWeights } from './weights/convert-weights.js';
export type { PlainTensor } from './weights/tensor.js';
export type {
  ConvertedConfig,
  ConvertedDirection,
  ConvertedWeights,
  OnnxSource,
  PyTorchSource,
  WeightSource,
} from './weights/types.js';
