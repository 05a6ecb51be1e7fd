/**
 * Times the cell's stock twin (ops.stock: the recurrence in stock tfjs ops) on a tfjs backend, forward and
 * forward + backward (tf.grads for x, kernel, recurrent kernel and bias). GPU time, on webgpu with timestamp queries,
 * is tf.time's kernel time. The page's backend is restored afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { ops } from 'webgpu-rnn/tfjs';
import { CELL_INFO, type BenchConfig } from './bench-config.js';
import { passTiming, type PassTiming } from './bench-result.js';
import type { OnProgress } from './fused-timing.js';
import { timeWallClock } from './wall-clock.js';

/** GPU-timed calls of a slow shape are few: tf.time runs every kernel in a pass of its own. */
const GPU_BUDGET_MS = 2000;

type Inputs = [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];

export async function timeStockOps(
  backendName: 'webgpu' | 'cpu',
  config: BenchConfig,
  timestamps: boolean,
  onProgress: OnProgress,
): Promise<{ forward: PassTiming; forwardBackward: PassTiming }> {
  const pageBackend = tf.getBackend();
  await tf.setBackend(backendName);
  try {
    return await timeOnActiveBackend(config, timestamps, onProgress);
  } finally {
    await tf.setBackend(pageBackend);
  }
}

async function timeOnActiveBackend(
  config: BenchConfig,
  timestamps: boolean,
  onProgress: OnProgress,
): Promise<{ forward: PassTiming; forwardBackward: PassTiming }> {
  const { batch: B, timesteps: T, features: F, units: U } = config;
  const G = CELL_INFO[config.cell].gates;
  const inputs: Inputs = [
    tf.randomUniform([B, T, F], -1, 1),
    tf.randomUniform([F, G * U], -1 / Math.sqrt(F), 1 / Math.sqrt(F)),
    tf.randomUniform([U, G * U], -1 / Math.sqrt(U), 1 / Math.sqrt(U)),
    tf.randomUniform([G * U], -0.1, 0.1),
  ];
  const dh = tf.randomUniform([B, T, U], -1, 1);
  const options = { activation: config.activation, returnSequences: true, goBackwards: config.goBackwards };
  const stock = ops.stock[config.cell] as (...args: [...Inputs, typeof options]) => tf.Tensor;
  const forward = (...args: Inputs) => stock(...args, options);
  const gradients = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(forward(...(args as Inputs)), dh)));
  const passes: Record<'forward' | 'forward + backward', () => tf.Tensor[]> = {
    forward: () => [forward(...inputs)],
    'forward + backward': () => gradients(inputs),
  };
  let outputs: tf.Tensor[] = [];

  const timePass = async (pass: keyof typeof passes): Promise<PassTiming> => {
    const wall = await timeWallClock(
      () => {
        tf.dispose(outputs);
        outputs = tf.tidy(passes[pass]);
      },
      () => Promise.all(outputs.map((t) => t.data())),
      config.runs,
      (run) => onProgress(pass, `wall clock, run ${run} of ${config.runs}`),
    );
    const gpuRunsMs: number[] = [];
    if (timestamps) {
      const gpuRuns = Math.max(1, Math.min(config.runs, Math.floor(GPU_BUDGET_MS / wall.medianMs)));
      for (let run = 1; run <= gpuRuns; run++) {
        const { kernelMs } = await tf.time(() => tf.dispose(tf.tidy(passes[pass])));
        if (typeof kernelMs === 'number') gpuRunsMs.push(kernelMs);
        onProgress(pass, `tf.time, run ${run} of ${gpuRuns}`);
      }
    }
    return passTiming(wall, gpuRunsMs);
  };

  try {
    return { forward: await timePass('forward'), forwardBackward: await timePass('forward + backward') };
  } finally {
    tf.dispose([...outputs, ...inputs, dh]);
  }
}
