import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitSequence } from '../src/model/split-sequence.js';
import type { TrainerCell, TrainerConfig } from '../src/trainer/config.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance of the issue: the trainer's per-epoch losses against tfjs's cpu backend (stock layers)
// from the same initial weights, relative, over 200 epochs of the seed data.
const TOLERANCE = 1e-3;
const EPOCHS = 200;

const [windows, targets] = splitSequence([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);
const x = windows.map((w) => w.map((v) => [v]));
const y = targets;

const STOCK_LAYERS = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru } as const;

interface Case {
  cell: TrainerCell;
  units: number[];
  optimizer: 'adam' | 'sgd';
  loss: 'mse' | 'mae';
}

// SimpleRNN with the seed's relu; LSTM and GRU with tfjs's defaults (tanh, hardSigmoid).
const activationOf = (cell: TrainerCell) => (cell === 'simpleRNN' ? 'relu' : 'tanh');
const learningRate = (c: Case) => (c.optimizer === 'adam' ? (c.loss === 'mse' ? 0.01 : 0.005) : c.loss === 'mse' ? 1e-5 : 1e-3);

function stockModel(c: Case): tf.Sequential {
  const model = tf.sequential();
  c.units.forEach((units, l) => model.add(STOCK_LAYERS[c.cell]({ units, activation: activationOf(c.cell), returnSequences: l < c.units.length - 1, ...(l === 0 ? { inputShape: [3, 1] } : {}) })));
  model.add(tf.layers.dense({ units: 2 }));
  model.compile({ optimizer: c.optimizer === 'adam' ? tf.train.adam(learningRate(c)) : tf.train.sgd(learningRate(c)), loss: c.loss === 'mse' ? 'meanSquaredError' : 'meanAbsoluteError' });
  return model;
}

const cases: Case[] = (['simpleRNN', 'lstm', 'gru'] as const).flatMap((cell) =>
  [[50], [12, 50]].flatMap((units) => (['adam', 'sgd'] as const).flatMap((optimizer) => (['mse', 'mae'] as const).map((loss) => ({ cell, units, optimizer, loss })))),
);

const worstRelative = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));

describe('the standalone trainer against stock tfjs on cpu', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await getDevice();
    await tf.setBackend('cpu');
  });

  it.each(cases)(`$cell $units, $optimizer, $loss: ${EPOCHS} epochs, the same per-epoch losses`, async (c) => {
    const config: TrainerConfig = { timesteps: 3, features: 1, units: c.units, outputs: 2, cell: c.cell, activation: activationOf(c.cell), loss: c.loss, optimizer: { type: c.optimizer, learningRate: learningRate(c) }, seed: 7 };
    const trainer = await createTrainer(device, config);
    const model = stockModel(c);
    const initial = await trainer.getWeights();
    model.setWeights(initial.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
    const xs = tf.tensor3d(windows.flat(), [5, 3, 1]);
    const ys = tf.tensor2d(targets.flat(), [5, 2]);
    const stock = (await model.fit(xs, ys, { epochs: EPOCHS, batchSize: 32, shuffle: false, verbose: 0 })).history.loss as number[];
    tf.dispose([xs, ys]);
    model.dispose();
    trainer.setData(x, y);
    const loss = await trainer.fit({ epochs: EPOCHS, batchSize: 32, shuffle: false });
    trainer.destroy();
    expect(loss).toHaveLength(EPOCHS);
    expect(stock[EPOCHS - 1], 'the stock run learns').toBeLessThan(stock[0]!);
    expect(worstRelative(loss, stock), 'largest per-epoch relative loss difference').toBeLessThan(TOLERANCE);
  });
});
