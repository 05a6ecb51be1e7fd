import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAdapter } from '../src/node.js';
import { getDevice, nodeWebGPU } from './helpers/webgpu.js';

const root = join(import.meta.dirname, '..');

describe('webgpu-rnn/node', () => {
  it('finds a WebGPU adapter (no adapter fails the run, it is never skipped)', async () => {
    const { adapterSummary, device } = await nodeWebGPU();
    expect(adapterSummary.vendor.length + adapterSummary.architecture.length).toBeGreaterThan(0);
    expect(describeAdapter(adapterSummary)).toMatch(/(CPU fallback|hardware) adapter$/);
    expect(device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(7);
  });

  it('keeps Dawn alive for as long as the device, even when the caller keeps only the device', () => {
    // Without the device holding Dawn's instance, a GC here crashed Dawn within a few submits.
    const script = `
      const { requestNodeDevice } = await import('./dist/node.js');
      const { device } = await requestNodeDevice();
      for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
      const buffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      for (let i = 0; i < 100; i++) {
        const encoder = device.createCommandEncoder();
        encoder.clearBuffer(buffer);
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
        if (i % 10 === 0) globalThis.gc();
      }
      console.log('alive');
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout.trim(), run.stderr).toBe('alive');
    expect(run.status).toBe(0);
  });

  it.each([
    ['imported before navigator.gpu exists (its factory never registered)', "await import('@tensorflow/tfjs-backend-webgpu'); await useTfjsWebGPU();"],
    ['imported after', "await useTfjsWebGPU(); await import('@tensorflow/tfjs-backend-webgpu');"],
    ['left to useTfjsWebGPU', 'await useTfjsWebGPU();'],
  ])("useTfjsWebGPU starts tfjs's webgpu backend with tfjs-backend-webgpu %s", (_, start) => {
    const script = `
      const tf = await import('@tensorflow/tfjs');
      const { useTfjsWebGPU } = await import('./dist/node.js');
      ${start}
      const sum = tf.add(tf.ones([4096]), 1); // past the size tfjs would compute on the CPU
      console.log(tf.getBackend(), tf.backend().constructor.name, (await sum.data())[4095]);
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('webgpu WebGPUBackend 2');
  });

  it('gives the device the limits the kernels can use, at the adapter\'s maximum', async () => {
    const { adapter } = await nodeWebGPU();
    const device = await getDevice();
    for (const limit of ['maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'] as const) {
      expect(device.limits[limit], limit).toBe(adapter.limits[limit]);
    }
  });
});
