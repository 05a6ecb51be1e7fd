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
