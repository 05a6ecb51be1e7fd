/**
 * The training worker's own WebGPU device (a dedicated worker has navigator.gpu in Chromium), or why
 * there is none, in words for the page.
 */
import { requestedLimits } from 'webgpu-rnn';
import { describeAdapter, type AdapterDescription } from '../common/adapter-description.js';

export type WorkerDevice =
  | { readonly device: GPUDevice; readonly adapter: AdapterDescription }
  | { readonly device: null; readonly why: string };

export async function requestWorkerDevice(): Promise<WorkerDevice> {
  if (!navigator.gpu)
    return {
      device: null,
      why: 'This browser has no WebGPU in workers (navigator.gpu is missing): try a recent Chrome.',
    };
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    return {
      device: null,
      why: 'The browser has WebGPU but offered no adapter (the GPU may be blocklisted, or WebGPU turned off).',
    };
  const requiredLimits = requestedLimits(adapter);
  const device = await adapter.requestDevice({ label: 'char-rnn training worker', requiredLimits });
  return { device, adapter: describeAdapter(adapter, device) };
}
