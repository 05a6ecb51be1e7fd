// Timing training runs: model.fit per epoch, the standalone trainer per epoch, and what one epoch of
// model.fit asks of tfjs (kernels, readbacks, uploads).
import * as tf from '@tensorflow/tfjs';
import type { FitOptions, Trainer } from 'webgpu-rnn';
import { timePerCall } from './report.js';

/**
 * Milliseconds per epoch: median over rounds of `epochs`-epoch fits, after a warm-up fit of
 * `warmupEpochs` (which compiles the pipelines).
 */
export async function modelEpochMs(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  epochs: number,
  rounds: number,
  options: tf.ModelFitArgs = {},
  warmupEpochs = epochs,
): Promise<number> {
  const fit = (n: number) => model.fit(x, y, { shuffle: false, ...options, epochs: n, verbose: 0 });
  await fit(warmupEpochs);
  return (
    (await timePerCall(
      () => fit(epochs).then(() => undefined),
      async () => undefined,
      1,
      rounds,
      false,
    )) / epochs
  );
}

/**
 * Milliseconds per epoch of several models, measured in turn within each round, so drift on a
 * shared machine touches them alike; each model's median over the rounds, after a warm-up fit.
 */
export async function interleavedEpochMs(
  runs: readonly { model: tf.LayersModel; x: tf.Tensor; y: tf.Tensor; batchSize?: number }[],
  epochs: number,
  rounds: number,
): Promise<number[]> {
  const fit = (run: (typeof runs)[number], n: number) =>
    run.model.fit(run.x, run.y, { shuffle: false, epochs: n, verbose: 0, batchSize: run.batchSize ?? 32 });
  for (const run of runs) await fit(run, epochs);
  const samples: number[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, run] of runs.entries()) {
      const start = performance.now();
      await fit(run, epochs);
      samples[i]!.push((performance.now() - start) / epochs);
    }
  }
  return samples.map((ms) => ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!);
}

export async function trainerEpochMs(
  trainer: Trainer,
  epochs: number,
  rounds: number,
  options: FitOptions = {},
  warmupEpochs = epochs,
): Promise<number> {
  const fit = (n: number) => trainer.fit({ shuffle: false, ...options, epochs: n });
  await fit(warmupEpochs);
  return (
    (await timePerCall(
      () => fit(epochs).then(() => undefined),
      async () => undefined,
      1,
      rounds,
      false,
    )) / epochs
  );
}

export interface EpochProfile {
  kernels: number;
  reads: number;
  uploads: number;
}

/** tfjs kernels, readbacks and uploads (tensors written from host data) in one epoch of model.fit. */
export async function profileEpoch(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: tf.ModelFitArgs = {},
): Promise<EpochProfile> {
  const backend = tf.backend() as tf.KernelBackend & { read(dataId: object): Promise<unknown> };
  const read = backend.read.bind(backend);
  const write = backend.write.bind(backend);
  let reads = 0;
  let uploads = 0;
  backend.read = (dataId) => {
    reads++;
    return read(dataId);
  };
  backend.write = (values, shape, dtype) => {
    if (values != null) uploads++;
    return write(values, shape, dtype);
  };
  try {
    const profile = await tf.profile(() =>
      model.fit(x, y, { shuffle: false, ...options, epochs: 1, verbose: 0 }).then(() => []),
    );
    return { kernels: profile.kernels.length, reads, uploads };
  } finally {
    backend.read = read;
    backend.write = write;
  }
}
