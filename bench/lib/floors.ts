// Floors measured on the adapter in hand: what an empty dispatch costs, and tfjs's best matMul rate.
import * as tf from '@tensorflow/tfjs';
import { fixed, timePerCall } from './report.js';

/** Microseconds per empty dispatch, many in one pass and one submission, as the trainer issues them. */
export async function emptyDispatchMicros(device: GPUDevice, dispatches = 2000): Promise<number> {
  const module = device.createShaderModule({ label: 'bench/empty', code: '@compute @workgroup_size(1) fn main() {}' });
  const pipeline = device.createComputePipeline({
    label: 'bench/empty',
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  const ms = await timePerCall(
    () => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(1);
      pass.end();
      device.queue.submit([encoder.finish()]);
    },
    () => device.queue.onSubmittedWorkDone(),
    1,
    3,
  );
  return (ms * 1000) / dispatches;
}

/** tf.matMul of square matrices on the active backend: GFLOP/s per size, best first. */
export async function matMulThroughput(
  sizes: readonly number[],
  rounds: number,
): Promise<{ size: number; gflops: number }[]> {
  const results = [];
  for (const n of sizes) {
    const a = tf.randomNormal([n, n]);
    let last: tf.Tensor | undefined;
    const ms = await timePerCall(
      () => {
        last?.dispose();
        last = tf.matMul(a, a);
      },
      () => last!.data(),
      n >= 1024 ? 1 : 3,
      rounds,
    );
    tf.dispose([last!, a]);
    results.push({ size: n, gflops: (2 * n ** 3) / ms / 1e6 });
    console.log(`tf.matMul ${n}×${n}: ${fixed(ms)} ms, ${fixed((2 * n ** 3) / ms / 1e6)} GFLOP/s`);
  }
  return results.sort((p, q) => q.gflops - p.gflops);
}

/**
 * Bytes per second a streaming copy moves (read + write), the best of the sizes (MiB each way): the
 * small ones stay in a large GPU's L2, as a recurrent kernel read every step does.
 */
export async function copyBandwidth(device: GPUDevice, sizesMiB: readonly number[]): Promise<number> {
  const code = `@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) {
  let i = id.x + id.y * n.x * 256u;
  if (i < arrayLength(&src)) { dst[i] = src[i]; }
}`;
  const module = device.createShaderModule({ label: 'bench/copy', code });
  const pipeline = device.createComputePipeline({
    label: 'bench/copy',
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  let best = 0;
  for (const mib of sizesMiB) {
    const bytes = mib * 2 ** 20;
    const buffers = [0, 1].map((i) =>
      device.createBuffer({ label: `bench/copy ${i}`, size: bytes, usage: GPUBufferUsage.STORAGE }),
    );
    const bindGroup = device.createBindGroup({
      label: 'bench/copy',
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const groups = bytes / 16 / 256;
    const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    const ms = await timePerCall(
      () => {
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        for (let i = 0; i < 10; i++) pass.dispatchWorkgroups(x, Math.ceil(groups / x));
        pass.end();
        device.queue.submit([encoder.finish()]);
      },
      () => device.queue.onSubmittedWorkDone(),
      1,
      3,
    );
    buffers.forEach((b) => b.destroy());
    const rate = (2 * bytes * 10) / (ms / 1000);
    console.log(`copy ${mib} MiB: ${fixed(rate / 1e9)} GB/s`);
    best = Math.max(best, rate);
  }
  return best;
}
