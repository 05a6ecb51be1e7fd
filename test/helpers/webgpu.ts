/**
 * The test device: real WebGPU through Dawn (a GPU, or SwiftShader on the CPU). No adapter is a
 * failure, never a skip.
 */
import { expect } from 'vitest';
import { describeAdapter, requestNodeDevice, type NodeWebGPU } from '../../src/node.js';

let webgpu: Promise<NodeWebGPU> | undefined;

export function nodeWebGPU(): Promise<NodeWebGPU> {
  webgpu ??= requestNodeDevice().then((found) => {
    console.info(`WebGPU adapter: ${describeAdapter(found.adapterSummary)}`);
    return found;
  });
  return webgpu;
}

export async function getDevice(): Promise<GPUDevice> {
  return (await nodeWebGPU()).device;
}

const SCOPES: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** Runs `body` inside validation, out-of-memory and internal error scopes and fails on any error. */
export async function withErrorScopes<T>(device: GPUDevice, body: () => Promise<T> | T): Promise<T> {
  for (const scope of SCOPES) device.pushErrorScope(scope);
  let result: T;
  try {
    result = await body();
  } finally {
    const errors: (GPUError | null)[] = [];
    for (let i = 0; i < SCOPES.length; i++) errors.push(await device.popErrorScope());
    const messages = errors.filter((e): e is GPUError => e !== null).map((e) => e.message);
    expect(messages, 'WebGPU errors').toEqual([]);
  }
  return result;
}

/** Counts buffers created and destroyed on `device` while `body` runs. */
export async function trackBuffers<T>(device: GPUDevice, body: () => Promise<T> | T): Promise<{ result: T; created: number; live: number }> {
  const original = device.createBuffer.bind(device);
  const live = new Set<GPUBuffer>();
  let created = 0;
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = original(descriptor);
    created++;
    live.add(buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      live.delete(buffer);
      destroy();
    };
    return buffer;
  };
  try {
    const result = await body();
    return { result, created, live: live.size };
  } finally {
    device.createBuffer = original;
  }
}
