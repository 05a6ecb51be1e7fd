import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyWeightsToModel, createTrainerFromModel } from '../src/model/trainer-from-model.js';
import type { TrainerCell, TrainerConfig } from '../src/trainer/config.js';
import type { OutputActivation } from '../src/trainer/head-config.js';
import { seededRandom } from '../src/trainer/random.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { relativeError } from './helpers/data.js';
import { bytes } from './helpers/trainer-data.js';
import { getDevice, getSharedPipelinesDevice } from './helpers/webgpu.js';

// The bar: per-epoch losses within 1e-3 relative of stock tfjs on cpu from the same initial
// weights, over 50 epochs; here token input (an Embedding, with and without maskZero) and heads on
// every step (timeDistributed(dense)), for every cell, with one and two layers.
const TOLERANCE = 1e-3;
const EPOCHS = 50;
const LEARNING_RATE = 0.01;
const SAMPLES = 5;
const TIMESTEPS = 4;

const STOCK_LAYERS = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru } as const;

interface Case {
  name: string;
  cell: TrainerCell;
  units: number[];
  /** Token input through an Embedding [inputDim, outputDim]; else 2 float features a step. */
  embedding: { inputDim: number; outputDim: number; maskZero: boolean } | null;
  returnSequences: boolean;
  head: OutputActivation;
  loss: 'mse' | 'binaryCrossentropy' | 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy';
  outputs: number;
  batchSize: number;
  optimizer: 'adam' | 'rmsprop';
  /** The trainer made from the compiled stock model (createTrainerFromModel), else createTrainer. */
  fromModel: boolean;
  /** On every step, the stock head is timeDistributed(dense), else dense on the sequence (the same in tfjs). */
  timeDistributed: boolean;
}

const cases: Case[] = [
  {
    name: 'sentiment: embedding(maskZero) → LSTM → sigmoid, from the model',
    cell: 'lstm',
    units: [8],
    embedding: { inputDim: 9, outputDim: 5, maskZero: true },
    returnSequences: false,
    head: 'sigmoid',
    loss: 'binaryCrossentropy',
    outputs: 1,
    batchSize: 2,
    optimizer: 'adam',
    fromModel: true,
    timeDistributed: false,
  },
  {
    name: 'intent: embedding → 2 GRUs → softmax',
    cell: 'gru',
    units: [6, 8],
    embedding: { inputDim: 7, outputDim: 3, maskZero: false },
    returnSequences: false,
    head: 'softmax',
    loss: 'categoricalCrossentropy',
    outputs: 3,
    batchSize: 32,
    optimizer: 'adam',
    fromModel: false,
    timeDistributed: false,
  },
  {
    name: 'char-RNN: embedding → SimpleRNN → timeDistributed(softmax), RMSProp',
    cell: 'simpleRNN',
    units: [12],
    embedding: { inputDim: 6, outputDim: 4, maskZero: false },
    returnSequences: true,
    head: 'softmax',
    loss: 'sparseCategoricalCrossentropy',
    outputs: 6,
    batchSize: 2,
    optimizer: 'rmsprop',
    fromModel: false,
    timeDistributed: true,
  },
  {
    name: 'char-RNN: embedding(maskZero) → 2 LSTMs → timeDistributed(softmax), RMSProp, from the model',
    cell: 'lstm',
    units: [8, 6],
    embedding: { inputDim: 6, outputDim: 3, maskZero: true },
    returnSequences: true,
    head: 'softmax',
    loss: 'sparseCategoricalCrossentropy',
    outputs: 6,
    batchSize: 32,
    optimizer: 'rmsprop',
    fromModel: true,
    timeDistributed: true,
  },
  {
    name: 'sequence regression: 2 GRUs → dense(linear) on every step, from the model',
    cell: 'gru',
    units: [5, 7],
    embedding: null,
    returnSequences: true,
    head: 'linear',
    loss: 'mse',
    outputs: 2,
    batchSize: 2,
    optimizer: 'adam',
    fromModel: true,
    timeDistributed: false,
  },
  {
    name: 'tagging: embedding(maskZero) → SimpleRNN → timeDistributed(sigmoid)',
    cell: 'simpleRNN',
    units: [9],
    embedding: { inputDim: 5, outputDim: 4, maskZero: true },
    returnSequences: true,
    head: 'sigmoid',
    loss: 'binaryCrossentropy',
    outputs: 2,
    batchSize: 3,
    optimizer: 'adam',
    fromModel: false,
    timeDistributed: true,
  },
];

/** Seeded data for a case: x (token ids, padded with leading zeros under maskZero, or values) and y. */
function dataFor(c: Case) {
  const random = seededRandom(c.units.length * 31 + c.outputs);
  const x = Array.from({ length: SAMPLES }, (_, n) =>
    Array.from({ length: TIMESTEPS }, (_, t) => {
      if (!c.embedding) return [random() * 2 - 1, random() * 2 - 1];
      // Under maskZero sample n is padded with n % 3 leading zeros (one of them wholly but for its last step).
      if (c.embedding.maskZero && t < n % 3) return 0;
      return 1 + Math.floor(random() * (c.embedding.inputDim - 1));
    }),
  );
  const label = (): number | number[] => {
    if (c.loss === 'sparseCategoricalCrossentropy') return Math.floor(random() * c.outputs);
    if (c.loss === 'categoricalCrossentropy') {
      const k = Math.floor(random() * c.outputs);
      return Array.from({ length: c.outputs }, (_, j) => Number(j === k));
    }
    if (c.loss === 'binaryCrossentropy') return Array.from({ length: c.outputs }, () => Number(random() > 0.5));
    return Array.from({ length: c.outputs }, () => random() * 2 - 1);
  };
  const y = Array.from({ length: SAMPLES }, () =>
    c.returnSequences ? Array.from({ length: TIMESTEPS }, label) : label(),
  );
  return { x, y };
}

function stockModel(c: Case): tf.Sequential {
  const model = tf.sequential();
  if (c.embedding) model.add(tf.layers.embedding({ ...c.embedding, inputLength: TIMESTEPS }));
  c.units.forEach((units, l) =>
    model.add(
      STOCK_LAYERS[c.cell]({
        units,
        returnSequences: c.returnSequences || l < c.units.length - 1,
        ...(l === 0 && !c.embedding ? { inputShape: [TIMESTEPS, 2] } : {}),
      }),
    ),
  );
  const dense = tf.layers.dense({ units: c.outputs, activation: c.head });
  model.add(c.timeDistributed ? tf.layers.timeDistributed({ layer: dense }) : dense);
  const optimizer = c.optimizer === 'rmsprop' ? tf.train.rmsprop(LEARNING_RATE) : tf.train.adam(LEARNING_RATE);
  // tfjs names MSE by its long name only.
  const loss = c.loss === 'mse' ? 'meanSquaredError' : c.loss;
  model.compile({ optimizer, loss, metrics: c.head === 'linear' ? [] : ['acc'] });
  return model;
}

/** y as tfjs takes it: sparse class ids with a trailing 1. */
function stockTargets(c: Case, y: unknown[]): tf.Tensor {
  const flat = (y as number[]).flat(2) as number[];
  const steps = c.returnSequences ? [TIMESTEPS] : [];
  const last = c.loss === 'sparseCategoricalCrossentropy' ? 1 : c.outputs;
  return tf.tensor(flat, [SAMPLES, ...steps, last]);
}

function trainerConfig(c: Case): TrainerConfig {
  return {
    timesteps: TIMESTEPS,
    ...(c.embedding ? { embedding: c.embedding } : { features: 2 }),
    units: c.units,
    outputs: c.outputs,
    cell: c.cell,
    returnSequences: c.returnSequences,
    outputActivation: c.head,
    loss: c.loss,
    metrics: c.head === 'linear' ? [] : ['accuracy'],
    optimizer: { type: c.optimizer, learningRate: LEARNING_RATE },
    seed: 11,
  };
}

const worstRelative = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));

describe('the trainer with token input and heads on every step against stock tfjs on cpu', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await getSharedPipelinesDevice();
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c) => [c.name, c] as const))(`%s: ${EPOCHS} epochs, the same losses`, async (_, c) => {
    const model = stockModel(c);
    // The same seeded initial weights either way (a model's own initializers are unseeded).
    const seeded = await createTrainer(device, trainerConfig(c));
    const initial = await seeded.getWeights();
    expect(initial.map((w) => w.length)).toEqual(model.getWeights().map((w) => w.size));
    const tensors = initial.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape));
    model.setWeights(tensors);
    tf.dispose(tensors);
    let trainer = seeded;
    if (c.fromModel) {
      seeded.destroy();
      trainer = await createTrainerFromModel(device, model);
      expect(trainer.config).toMatchObject({
        embedding: c.embedding,
        returnSequences: c.returnSequences,
        loss: c.loss,
      });
    }
    const { x, y } = dataFor(c);
    const xs = tf.tensor(x.flat(2) as number[], c.embedding ? [SAMPLES, TIMESTEPS] : [SAMPLES, TIMESTEPS, 2]);
    const ys = stockTargets(c, y);
    const stock = (await model.fit(xs, ys, { epochs: EPOCHS, batchSize: c.batchSize, shuffle: false, verbose: 0 }))
      .history as { loss: number[]; acc?: number[] };

    trainer.setData(x as never, y as never);
    const history = await trainer.fit({ epochs: EPOCHS, batchSize: c.batchSize, shuffle: false });
    expect(stock.loss[EPOCHS - 1], 'the stock run learns').toBeLessThan(stock.loss[0]!);
    expect(worstRelative(history, stock.loss), 'largest per-epoch relative loss difference').toBeLessThan(TOLERANCE);
    if (stock.acc) {
      // An epoch's accuracy counts every step's prediction: at most one apart in any epoch.
      const step = 1 / (SAMPLES * (c.returnSequences ? TIMESTEPS : 1) * (c.head === 'sigmoid' ? c.outputs : 1));
      const apart = history.acc!.map((a, e) => Math.round(Math.abs(a - stock.acc![e]!) / step));
      expect(Math.max(...apart), 'accuracies at most one prediction apart').toBeLessThanOrEqual(1);
    }

    // After training: predict gives every step's outputs as model.predict, evaluate the loss.
    model.setWeights((await trainer.getWeights()).map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
    const expected = (model.predict(xs) as tf.Tensor).dataSync();
    expect(relativeError(await trainer.predict(x as never), expected), 'predict').toBeLessThan(1e-4);
    const [loss] = [model.evaluate(xs, ys)].flat().map((t) => t.dataSync()[0]!);
    expect(Math.abs((await trainer.evaluate(x as never, y as never)) - loss!) / loss!, 'evaluate').toBeLessThan(1e-4);
    tf.dispose([xs, ys]);
    model.dispose();
    trainer.destroy();
  });
});

describe('the trainer with token input, whatever the workgroup order', () => {
  // The Embedding's gradient sums each token's steps across workgroups' tiles of ids: interleaved
  // workgroups and split weight gradients give the same bits.
  it('embedding(maskZero) → SimpleRNN → timeDistributed(sigmoid): the same losses and weights, bit for bit', async () => {
    const device = await getDevice();
    const c = cases[5]!;
    const { x, y } = dataFor(c);
    const results = [];
    for (const workgroupOrder of ['natural', 'interleaved'] as const) {
      const trainer = await createTrainer(device, {
        ...trainerConfig(c),
        strategy: { weightGradientRows: 4, workgroupOrder },
      });
      trainer.setData(x as never, y as never);
      const history = await trainer.fit({ epochs: 4, batchSize: 3, seed: 1 });
      results.push([history, ...(await trainer.getWeights())].map((a) => bytes(Float32Array.from(a))));
      trainer.destroy();
    }
    expect(results[1], 'interleaved against natural').toEqual(results[0]);
  });
});
