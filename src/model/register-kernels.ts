import { registerFusedKernels } from './fused-kernels.js';
import { registerFusedLayers } from './fused-layers.js';

/**
 * Registers the fused kernels with tfjs (the WGSL kernels for the `webgpu` backend, the TypeScript
 * references for `cpu`) and the fused layer classes for (de)serialization. Idempotent. The fused ops
 * and layers do this themselves the first time they run; call it first where nothing has run yet:
 * before tf.loadLayersModel on a model saved with a GRU in resetAfter form (saved as FusedGRU, the
 * one class stock tfjs cannot build) or with FusedSimpleRNN layers by an earlier version.
 * The gradients need no registration: the ops carry them (tf.customGrad).
 */
export function registerKernels(): void {
  registerFusedKernels();
  registerFusedLayers();
}
