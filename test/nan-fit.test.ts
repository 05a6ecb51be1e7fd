import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fusedSimpleRNN } from '../src/model/fused-layers.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { onBackend, tfjsWebGPU } from './helpers/tfjs.js';
import { getDevice } from './helpers/webgpu.js';

// NaN end to end, as stock tfjs reports it: a fit whose data or weights hold a NaN reports NaN
// losses, never finite losses over NaN weights (relu, relu6 and hardSigmoid would drop a NaN through
// WGSL's max, min and clamp if a kernel let them).
const x = [
  [[1], [2], [3]],
  [[2], [3], [4]],
  [[3], [4], [5]],
];
const y = [
  [4, 5],
  [5, 6],
  [6, 7],
];

async function stockLosses(
  layer: tf.layers.Layer,
  weights: Float32Array[] | null,
  xs: number[][][],
): Promise<number[]> {
  const model = tf.sequential({ layers: [layer, tf.layers.dense({ units: 2 })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
  const [a, b] = [tf.tensor3d(xs), tf.tensor2d(y)];
  const losses = (await model.fit(a, b, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 })).history
    .loss as number[];
  tf.dispose([a, b]);
  model.dispose();
  return losses;
}

describe('NaN reaches the reported losses', () => {
  it.each(['simpleRNN', 'lstm', 'gru'] as const)(
    'standalone trainer, %s with relu: a NaN weight gives NaN losses, as tfjs on cpu',
    async (cell) => {
      const device = await getDevice();
      const trainer = await createTrainer(device, {
        timesteps: 3,
        features: 1,
        units: 4,
        outputs: 2,
        cell,
        activation: 'relu',
        ...(cell === 'simpleRNN' ? {} : { recurrentActivation: 'hardSigmoid' as const }),
        optimizer: { learningRate: 0.01 },
        seed: 1,
      });
      const weights = await trainer.getWeights();
      weights[1]![2] = Number.NaN;
      trainer.setWeights(weights);
      trainer.setData(x, y);
      const losses = await trainer.fit({ epochs: 3, batchSize: 2, shuffle: false });
      trainer.destroy();
      const layers = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru };
      const stock = await onBackend('cpu', () =>
        stockLosses(layers[cell]({ units: 4, activation: 'relu', inputShape: [3, 1] }), weights, x),
      );
      expect(stock.every(Number.isNaN), `stock tfjs: ${stock}`).toBe(true);
      expect(losses.every(Number.isNaN), `trainer: ${losses}`).toBe(true);
    },
  );

  it(
    'fused SimpleRNN (relu) in model.fit on webgpu: ' + 'data with a NaN gives NaN losses, as the stock layer on cpu',
    async () => {
      await tfjsWebGPU();
      const withNaN = x.map((row, i) => row.map(([v], t) => [i === 1 && t === 1 ? Number.NaN : v!]));
      const fused = await onBackend('webgpu', () =>
        stockLosses(fusedSimpleRNN({ units: 4, activation: 'relu', inputShape: [3, 1] }), null, withNaN),
      );
      const stock = await onBackend('cpu', () =>
        stockLosses(tf.layers.simpleRNN({ units: 4, activation: 'relu', inputShape: [3, 1] }), null, withNaN),
      );
      expect(stock.every(Number.isNaN), `stock tfjs: ${stock}`).toBe(true);
      expect(fused.every(Number.isNaN), `fused: ${fused}`).toBe(true);
    },
  );
});
