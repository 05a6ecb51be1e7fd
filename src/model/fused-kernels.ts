/** The one registration list: every kernel this package adds to tfjs. */
import { getBackend, getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs';
import { simpleRNNCPUConfig } from './simple-rnn-cpu.js';
import { simpleRNNGradCPUConfig } from './simple-rnn-grad-cpu.js';
import { simpleRNNGradWebGPUConfig } from './simple-rnn-grad-webgpu.js';
import { simpleRNNWebGPUConfig } from './simple-rnn-webgpu.js';

const KERNELS: readonly KernelConfig[] = [simpleRNNWebGPUConfig, simpleRNNGradWebGPUConfig, simpleRNNCPUConfig, simpleRNNGradCPUConfig];

/**
 * Registers the kernels that are not registered yet. Cheap enough for every op call (four registry
 * lookups), which is how the fused ops register on first use.
 */
export function registerFusedKernels(): void {
  for (const config of KERNELS) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
}

/** Whether the active backend (or `backendName`) has these kernels of ours, registering them first. */
export function hasKernels(names: readonly string[], backendName = getBackend()): boolean {
  registerFusedKernels();
  return names.every((name) => getKernel(name, backendName) != null);
}
