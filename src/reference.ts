/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn/reference: the float64 TypeScript references the kernels are tested against, for
 * checking results on the CPU. Plain arrays in, Float64Arrays out; no GPU, no tfjs.
 */
export { resolveConfig } from './kernels/simple-rnn.js';
export { resolveLSTMConfig } from './kernels/lstm.js';
export { resolveGRUConfig } from './kernels/gru.js';
export { activateGradRef, activateRef } from './kernels/activation.ref.js';
export { dropoutMaskRef } from './kernels/dropout-mask.ref.js';
export {
  simpleRNNBackwardRef,
  simpleRNNForwardRef,
  type SimpleRNNArrays,
  type SimpleRNNForwardRef,
  type SimpleRNNGradientsRef,
} from './kernels/simple-rnn.ref.js';
export {
  lstmBackwardRef,
  lstmForwardRef,
  type LSTMArrays,
  type LSTMForwardRef,
  type LSTMGradientsRef,
} from './kernels/lstm.ref.js';
export {
  gruBackwardRef,
  gruForwardRef,
  type GRUArrays,
  type GRUForwardRef,
  type GRUGradientsRef,
} from './kernels/gru.ref.js';
