/** tfjs in the tests: the webgpu backend on the test adapter, our kernels registered, cpu alongside. */
import * as tf from '@tensorflow/tfjs';
import { registerKernels } from '../../src/model/register-kernels.js';
import { useTfjsWebGPU, type AdapterSummary } from '../../src/node.js';

let ready: Promise<AdapterSummary> | undefined;

export function tfjsWebGPU(): Promise<AdapterSummary> {
  ready ??= (async () => {
    const adapter = await useTfjsWebGPU();
    registerKernels();
    return adapter;
  })();
  return ready;
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
