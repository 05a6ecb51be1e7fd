/**
 * Starts tfjs for a demo page: on WebGPU with this package's kernels registered, or, when the
 * browser has no usable WebGPU, on tfjs's cpu backend with the reason why.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerKernels } from 'webgpu-rnn/tfjs';
import { describeAdapter, type AdapterDescription } from './adapter-description.js';

export type Backend =
  | { readonly name: 'webgpu'; readonly device: GPUDevice; readonly adapter: AdapterDescription }
  | { readonly name: 'cpu'; readonly whyNoWebGPU: string };

/** The adapter tfjs's webgpu backend will pick (it makes the same request), or why there is none. */
async function findAdapter(): Promise<GPUAdapter | string> {
  if (!window.isSecureContext) return 'WebGPU needs a secure context: open this page over https or from localhost.';
  if (!navigator.gpu) return 'This browser has no WebGPU (navigator.gpu is missing): try a recent Chrome or Edge.';
  const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  const adapter = await navigator.gpu.requestAdapter({ powerPreference });
  return adapter ?? 'The browser has WebGPU but offered no adapter (the GPU may be blocklisted, or WebGPU turned off).';
}

export async function startBackend(): Promise<Backend> {
  const adapter = await findAdapter();
  let whyNoWebGPU = typeof adapter === 'string' ? adapter : 'tfjs could not start its webgpu backend on this adapter.';
  if (typeof adapter !== 'string' && (await tf.setBackend('webgpu'))) {
    registerKernels();
    const device = (tf.backend() as WebGPUBackend).device;
    return { name: 'webgpu', device, adapter: describeAdapter(adapter, device) };
  }
  if (!(await tf.setBackend('cpu'))) whyNoWebGPU += ' tfjs could not start its cpu backend either.';
  registerKernels();
  return { name: 'cpu', whyNoWebGPU };
}
