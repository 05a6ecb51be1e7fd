import { registerFusedKernels } from './fused-kernels.js';
import { registerFusedSimpleRNNClass } from './fused-simple-rnn.js';

/**
 * Registers the fused SimpleRNN kernels with tfjs (the WGSL kernels for the `webgpu` backend, the
 * TypeScript reference for `cpu`) and the FusedSimpleRNN layer class for (de)serialization.
 * Idempotent. The fused op and layer do this themselves the first time they run; call it first
 * where nothing has run yet, e.g. before tf.loadLayersModel on a model with FusedSimpleRNN layers.
 * The gradient needs no registration: ops.simpleRNN carries it (tf.customGrad).
 */
export function registerKernels(): void {
  registerFusedKernels();
  registerFusedSimpleRNNClass();
}
