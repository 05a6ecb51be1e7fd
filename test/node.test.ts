import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAdapter, requestNodeDevice } from '../src/node.js';
import { getDevice, nodeWebGPU, requestTestDevice, TEST_BACKEND } from './helpers/webgpu.js';

const root = join(import.meta.dirname, '..');

describe('webgpu-rnn/node', () => {
  it('finds a WebGPU adapter (no adapter fails the run, it is never skipped)', async () => {
    const { adapterSummary, device } = await nodeWebGPU();
    expect(
      adapterSummary.vendor.length + adapterSummary.architecture.length + adapterSummary.description.length,
    ).toBeGreaterThan(0);
    expect(describeAdapter(adapterSummary)).not.toMatch(/unknown adapter/);
    expect(describeAdapter(adapterSummary)).toMatch(/(CPU fallback|hardware) adapter(, compatibility feature level)?$/);
    expect(device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(7);
  });

  it(`gives the backend asked for (${TEST_BACKEND}) at its feature level, and says so`, async () => {
    const { adapterSummary, adapter, device } = await nodeWebGPU();
    if (TEST_BACKEND === 'opengl') {
      expect(adapterSummary).toMatchObject({ driver: 'opengl', featureLevel: 'compatibility' });
      expect(adapterSummary.description).toMatch(/OpenGL/);
      expect(adapter.features.has('core-features-and-limits')).toBe(false);
      expect(describeAdapter(adapterSummary)).toMatch(/compatibility feature level$/);
    } else {
      expect(adapterSummary.driver).not.toBe('opengl');
      expect(adapterSummary.featureLevel).toBe('core');
    }
    expect(device.label).toMatch(new RegExp(`^webgpu-rnn/node/${adapterSummary.driver}#\\d+$`));
  });

  it('labels every device distinctly, so errors from two devices never read alike', async () => {
    const [a, b] = [await requestTestDevice(), await requestTestDevice()];
    expect(a.device.label).not.toBe(b.device.label);
    expect(a.device.label).not.toBe((await getDevice()).label);
    // The label is what WebGPU puts in its messages.
    a.device.pushErrorScope('validation');
    a.device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE });
    expect((await a.device.popErrorScope())?.message).toContain(a.device.label);
    a.release();
    b.release();
  });

  it('refuses an unknown backend, option or option type, naming it', async () => {
    await expect(requestNodeDevice({ backend: 'metal' as never })).rejects.toThrow(
      /^requestNodeDevice: options\.backend: expected 'vulkan' or 'opengl'; got "metal"$/,
    );
    await expect(requestNodeDevice(null as never)).rejects.toThrow(
      new RegExp(
        '^requestNodeDevice: options: expected an object ' +
          '\\(optionalFeatures, installNavigator, backend\\) or nothing; got null$',
      ),
    );
    await expect(requestNodeDevice({ backnd: 'opengl' } as never)).rejects.toThrow(
      /^requestNodeDevice: options: unknown "backnd"/,
    );
    await expect(requestNodeDevice({ optionalFeatures: 'timestamp-query' as never })).rejects.toThrow(
      /^requestNodeDevice: options\.optionalFeatures: expected an array of GPUFeatureName; got "timestamp-query"$/,
    );
    await expect(requestNodeDevice({ installNavigator: 1 as never })).rejects.toThrow(
      /^requestNodeDevice: options\.installNavigator: expected a boolean; got 1$/,
    );
  });

  it('keeps Dawn alive for as long as the device, even when the caller keeps only the device', () => {
    // Without the device holding Dawn's instance, a GC here crashed Dawn within a few submits.
    const script = `
      const { requestNodeDevice } = await import('./dist/node.js');
      const { device } = await requestNodeDevice({ backend: '${TEST_BACKEND}' });
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
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout.trim(), run.stderr).toBe('alive');
    expect(run.status).toBe(0);
  });

  it.each([
    [
      'imported before navigator.gpu exists (its factory never registered)',
      "await import('@tensorflow/tfjs-backend-webgpu'); await useTfjsWebGPU();",
    ],
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
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('webgpu WebGPUBackend 2');
  });

  it("gives the device the limits the kernels can use, at the adapter's maximum", async () => {
    const { adapter } = await nodeWebGPU();
    const device = await getDevice();
    for (const limit of [
      'maxStorageBufferBindingSize',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
    ] as const) {
      expect(device.limits[limit], limit).toBe(adapter.limits[limit]);
    }
  });
});
