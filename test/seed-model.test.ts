import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedGRU, FusedLSTM, FusedSimpleRNN } from '../src/model/fused-layers.js';
import { buildSeedModel, SEED_CELLS } from '../src/model/seed-model.js';
import { splitSequence } from '../src/model/split-sequence.js';
import { goldenStockRun } from './helpers/stock-seed.js';
import { onBackend, tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance: per-epoch loss and the prediction, fused on webgpu against stock on cpu, relative.
const TOLERANCE = 1e-3;
const EPOCHS = 200;

const [windows, targets] = splitSequence([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);

async function train(model: tf.Sequential) {
  const x = tf.tensor3d(windows.flat(), [windows.length, 3, 1]);
  const y = tf.tensor2d(targets.flat(), [targets.length, 2]);
  const history = await model.fit(x, y, { epochs: EPOCHS, verbose: 0, shuffle: false });
  const probe = tf.tensor3d([70, 80, 90], [1, 3, 1]);
  const prediction = model.predict(probe) as tf.Tensor;
  const result = { loss: history.history.loss as number[], prediction: [...(await prediction.data())] };
  tf.dispose([x, y, probe, prediction]);
  return result;
}

describe('the seed model', () => {
  beforeAll(tfjsWebGPU);

  it('names the option on misuse: options null, an unknown option, a seed or size of the wrong kind', () => {
    const cases: [unknown, RegExp][] = [
      [
        null,
        new RegExp(
          '^buildSeedModel: options: expected an object ' +
            '\\(fused, cell, seed, seqLen, nSteps, units, learningRate\\) or nothing; got null$',
        ),
      ],
      [{ seed: 'abc' }, /^buildSeedModel: seed: expected an integer; got "abc"$/],
      [{ unit: 50 }, /^buildSeedModel: options: unknown "unit"/],
      [{ units: 0 }, /^buildSeedModel: units: expected a positive integer; got 0$/],
      [{ fused: 1 }, /^buildSeedModel: fused: expected a boolean; got 1$/],
      [{ cell: 'LSTM' }, /^buildSeedModel: cell: expected one of simpleRNN, lstm, gru; got "LSTM"$/],
      [{ learningRate: Number.NaN }, /^buildSeedModel: learningRate: expected a positive number; got NaN$/],
    ];
    for (const [options, message] of cases) expect(() => buildSeedModel(options as never)).toThrow(message);
  });

  it.each([
    ['simpleRNN', FusedSimpleRNN, 2600],
    ['lstm', FusedLSTM, 4 * 2600],
    ['gru', FusedGRU, 3 * 2600],
  ] as const)(
    "has the notebook's parameters with a %s, fused or stock: G·2,600 + 102",
    async (cell, cls, recurrent) => {
      // Built on cpu: the counts do not depend on the backend, and the orthogonal initializer's QR runs as
      // hundreds of small ops, seconds of them on a CPU adapter's webgpu backend.
      await onBackend('cpu', () => {
        for (const fused of [true, false]) {
          const model = buildSeedModel({ fused, cell });
          expect(model.layers.map((l) => l.countParams())).toEqual([recurrent, 102]);
          expect(model.layers[0] instanceof cls).toBe(fused);
          model.dispose();
        }
      });
    },
  );

  it.each(SEED_CELLS)(
    `trains ${EPOCHS} epochs on webgpu (fused) like the stock layer on cpu from the same initial weights (%s)`,
    async (cell) => {
      // The stock layer's run, its initial weights drawn on cpu (the same on every adapter and machine): its
      // losses and prediction are golden data (helpers/stock-seed.ts), trained only when what they depend on changed.
      const stock = await onBackend('cpu', async () => {
        const model = buildSeedModel({ fused: false, cell, seed: 7 });
        const weights = await Promise.all(
          model.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })),
        );
        const key = { test: 'seed-model', cell, epochs: EPOCHS, optimizer: model.optimizer.getConfig() };
        const result = await goldenStockRun(
          key,
          weights.map((w) => w.values),
          () => train(model),
        );
        model.dispose();
        return { weights, ...result };
      });
      await tf.setBackend('webgpu');
      const model = buildSeedModel({ cell, seed: 1234 });
      model.setWeights(stock.weights.map((w) => tf.tensor(w.values, w.shape)));
      const fused = await train(model);
      model.dispose();

      expect(fused.loss).toHaveLength(EPOCHS);
      const worst = Math.max(...fused.loss.map((l, i) => Math.abs(l - stock.loss[i]!) / stock.loss[i]!));
      expect(worst, 'largest per-epoch relative loss difference').toBeLessThan(TOLERANCE);
      expect(fused.loss.at(-1)!).toBeLessThan(fused.loss[0]! / 10);
      fused.prediction.forEach((p, i) =>
        expect(Math.abs(p - stock.prediction[i]!) / Math.abs(stock.prediction[i]!)).toBeLessThan(TOLERANCE),
      );
    },
  );
});
