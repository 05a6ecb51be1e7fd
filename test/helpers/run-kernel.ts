/** Runs one kernel description on host arrays: the harness of the per-kernel tests. */
import { createFloat32Buffer } from '../../src/gpu/buffers.js';
import { encodeKernel } from '../../src/gpu/encode.js';
import type { KernelRun } from '../../src/gpu/kernel.js';
import { readBuffers, withErrorScopes } from './webgpu.js';

/**
 * `data` gives each binding an array to upload, or a length to allocate zeroed; bindings left out
 * get a 16-byte zero buffer. Returns every read_write binding's contents.
 */
export async function runKernel(
  device: GPUDevice,
  run: KernelRun,
  data: Record<string, Float32Array | number>,
): Promise<Record<string, Float32Array>> {
  return withErrorScopes(device, async () => {
    const buffers: Record<string, GPUBuffer> = {};
    for (const { name } of run.spec.bindings) {
      const value = data[name] ?? 4;
      buffers[name] = createFloat32Buffer(device, typeof value === 'number' ? new Float32Array(value) : value, name);
    }
    try {
      const encoder = device.createCommandEncoder();
      encodeKernel(
        device,
        encoder,
        run,
        Object.fromEntries(Object.entries(buffers).map(([k, buffer]) => [k, { buffer }])),
      );
      device.queue.submit([encoder.finish()]);
      const written = run.spec.bindings.filter(({ access }) => access === 'read_write').map(({ name }) => name);
      const values = await readBuffers(
        device,
        written.map((name) => buffers[name]!),
      );
      return Object.fromEntries(written.map((name, i) => [name, values[i]!]));
    } finally {
      for (const buffer of Object.values(buffers)) buffer.destroy();
    }
  });
}
