/** The one registration list: every kernel this package adds to tfjs. */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs';
import { registerFusedSimpleRNNClass } from './fused-simple-rnn.js';
import { simpleRNNCPUConfig } from './simple-rnn-cpu.js';
import { simpleRNNGradCPUConfig } from './simple-rnn-grad-cpu.js';
import { simpleRNNGradWebGPUConfig } from './simple-rnn-grad-webgpu.js';
import { simpleRNNWebGPUConfig } from './simple-rnn-webgpu.js';

const KERNELS: readonly KernelConfig[] = [simpleRNNWebGPUConfig, simpleRNNGradWebGPUConfig, simpleRNNCPUConfig, simpleRNNGradCPUConfig];

/**
 * Registers the fused SimpleRNN kernels with tfjs: the WGSL kernels for the `webgpu` backend and the
 * TypeScript reference for `cpu`, and the FusedSimpleRNN layer class for (de)serialization.
 * Idempotent. Without it (or on other backends) ops.simpleRNN runs as stock tfjs ops.
 * The gradient needs no registration: ops.simpleRNN carries it (tf.customGrad).
 */
export function registerKernels(): void {
  for (const config of KERNELS) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
  registerFusedSimpleRNNClass();
}
