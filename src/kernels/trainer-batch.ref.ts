/** Reference of trainer-batch.wgsl: the rows of one step's batch, gathered on the host. */
import type { BatchShape } from './trainer-batch.js';

export interface BatchSource {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** u32 [epochs, samples]. */
  readonly order: ArrayLike<number>;
  readonly fitStep: number;
  readonly firstEpoch: number;
}

export function trainerBatchRef(source: BatchSource, shape: BatchShape, mode: 'train' | 'predict', rowOffset = 0) {
  const { samples, timesteps: T, features: F, outputs: O, batchSize: B } = shape;
  const stepsPerEpoch = Math.ceil(samples / B);
  const epoch = Math.floor(source.fitStep / stepsPerEpoch);
  const first = mode === 'predict' ? rowOffset : (source.fitStep % stepsPerEpoch) * B;
  const rows = Math.min(B, samples - first);
  const sample = (i: number) =>
    mode === 'predict' ? first + i : source.order[(epoch - source.firstEpoch) * samples + first + i]!;
  const batchX = new Float64Array(B * T * F);
  const batchY = new Float64Array(B * O);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < T * F; k++) batchX[i * T * F + k] = source.x[sample(i) * T * F + k]!;
    for (let k = 0; k < O; k++) batchY[i * O + k] = source.y[sample(i) * O + k]!;
  }
  return { batchX, batchY: mode === 'predict' ? null : batchY, rows, epoch: epoch - source.firstEpoch };
}
