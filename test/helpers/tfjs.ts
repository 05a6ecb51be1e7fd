/** tfjs in the tests: the webgpu backend on the test backend's adapter, our kernels registered, cpu alongside. */
import * as tf from '@tensorflow/tfjs';
import { registerKernels } from '../../src/model/register-kernels.js';
import type { AdapterSummary } from '../../src/node.js';
import { getSharedPipelinesDevice, nodeWebGPU, TEST_BACKEND } from './webgpu.js';

let ready: Promise<AdapterSummary> | undefined;

/**
 * tfjs's webgpu backend on the test device (helpers/webgpu.ts), the one the core's tests use, so that a
 * worker compiles each pipeline once for both (their caches are per device). On OpenGL there is no other
 * way: the adapter exists only at WebGPU's compatibility feature level, which tfjs 4.22 never asks for.
 * useTfjsWebGPU, the package's own way, is tested where the README's examples run.
 */
async function useTfjsOnTestDevice(): Promise<AdapterSummary> {
  const { device, adapter, adapterSummary } = await nodeWebGPU();
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error(`tfjs could not start its webgpu backend (${TEST_BACKEND})`);
  return adapterSummary;
}

/**
 * tfjs's webgpu backend, made the active one (a file before this one in the same worker may have left
 * another), with SHARED_PIPELINES pinned (helpers/webgpu.ts).
 */
export async function tfjsWebGPU(): Promise<AdapterSummary> {
  ready ??= (async () => {
    const adapter = await useTfjsOnTestDevice();
    registerKernels();
    return adapter;
  })();
  const adapter = await ready;
  await getSharedPipelinesDevice();
  await tf.setBackend('webgpu');
  return adapter;
}

/** Runs `body` with `backend` active, then switches back to webgpu. */
export async function onBackend<T>(backend: 'cpu' | 'webgpu', body: () => Promise<T> | T): Promise<T> {
  await tfjsWebGPU();
  await tf.setBackend(backend);
  try {
    return await body();
  } finally {
    await tf.setBackend('webgpu');
  }
}

/** Largest |a − b| relative to the largest |b| (see helpers/data.ts relativeError). */
export { relativeError } from './data.js';

/** Bytes the webgpu backend holds in GPU buffers (its tf.memory() extra). */
export function gpuBytes(): number {
  return (tf.memory() as unknown as { numBytesInGPU: number }).numBytesInGPU;
}

/**
 * A second cpu backend under another name, with every stock kernel and none of ours: where the fused
 * ops fall back to stock tfjs ops, as on webgl or wasm. Returns its name.
 */
export function kernelFreeBackend(): string {
  const name = 'stock-cpu';
  if (!tf.findBackendFactory(name)) {
    tf.registerBackend(name, tf.findBackendFactory('cpu')!);
    for (const kernel of tf.getKernelsForBackend('cpu')) {
      if (!kernel.kernelName.startsWith('WebGPURNN_')) tf.registerKernel({ ...kernel, backendName: name });
    }
  }
  return name;
}
