/**
 * The reference for the CPU check: the stock twin of the seed model (tf.layers.simpleRNN, lstm or
 * gru), from given initial weights, trained and asked for a prediction on tfjs's cpu backend. The
 * page's backend is restored afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { buildSeedModel, type SeedCell } from 'webgpu-rnn/tfjs';
import { fitWithProgress } from './fit-with-progress.js';
import { predictNext, restoreWeights, type WeightSnapshot } from './model-io.js';
import { toTensors, type SeedData } from './seed-data.js';
import type { OnEpoch } from './trainer.js';

export interface ReferenceRun {
  readonly loss: readonly number[];
  readonly msPerEpoch: number;
  readonly prediction: readonly number[];
}

export async function trainStockOnCPU(
  data: SeedData,
  cell: SeedCell,
  initialWeights: readonly WeightSnapshot[],
  epochs: number,
  probe: readonly number[],
  onEpoch: OnEpoch,
): Promise<ReferenceRun> {
  const pageBackend = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    const model = buildSeedModel({ fused: false, cell, seqLen: data.seqLen, nSteps: data.nSteps });
    const { x, y } = toTensors(data);
    try {
      restoreWeights(model, initialWeights);
      const { loss, msPerEpoch } = await fitWithProgress(model, x, y, epochs, onEpoch);
      return { loss, msPerEpoch, prediction: await predictNext(model, probe) };
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  } finally {
    await tf.setBackend(pageBackend);
  }
}
