/** The one registration list: every kernel this package adds to tfjs. */
import { getBackend, getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs';
import { CELLS } from '../kernels/cells.js';
import { cellKernels } from './cell-kernels.js';

const KERNELS: readonly KernelConfig[] = CELLS.flatMap(cellKernels);

/**
 * Registers the kernels that are not registered yet. Cheap enough for every op call (a dozen
 * registry lookups), which is how the fused ops register on first use.
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

/** Whether the fused ops run our kernels on this backend (else stock tfjs ops). Registers them if needed. */
export function hasFusedKernels(backendName = getBackend()): boolean {
  return hasKernels([...new Set(KERNELS.map((config) => config.kernelName))], backendName);
}
