import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyWeightsToModel, createTrainerFromModel } from '../src/model/trainer-from-model.js';
import type { TrainerCell } from '../src/trainer/config.js';
import type { OutputActivation } from '../src/trainer/head-config.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { relativeError } from './helpers/data.js';
import { goldenStockRun, SEED_WINDOWS } from './helpers/stock-seed.js';
import { bytes } from './helpers/trainer-data.js';
import { clippedGradients } from './helpers/clip-reference.js';
import { getDevice, getSharedPipelinesDevice } from './helpers/webgpu.js';

// The issue's bar: per-epoch losses within 1e-3 relative of stock tfjs on cpu from the same initial
// weights; here over 60 epochs of Adam at 0.01 (past about 80, a steep descent of the GRU's loss parts
// any two runs). Accuracies are counts over 5 samples: the same in (nearly) every epoch.
const TOLERANCE = 1e-3;
const EPOCHS = 60;
const LEARNING_RATE = 0.01;

// The seed windows scaled into tanh's range, labelled for each head: 5 samples of [3, 1], as the
// trainer's other tests (the same pipelines).
const x = SEED_WINDOWS.map((w) => w.map((v) => [v / 100]));
const LABELS = {
  // Two independent labels per sample (the mean runs over outputs too), one of them soft.
  binaryCrossentropy: [
    [0, 1],
    [1, 0],
    [0, 1],
    [1, 1],
    [0, 0.3],
  ],
  categoricalCrossentropy: [
    [1, 0],
    [0, 1],
    [1, 0],
    [0, 1],
    [0, 1],
  ],
  sparseCategoricalCrossentropy: [0, 2, 1, 2, 0],
} as const;

const STOCK_LAYERS = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru } as const;

interface Case {
  cell: TrainerCell;
  units: number[];
  head: Exclude<OutputActivation, 'linear'>;
  loss: keyof typeof LABELS;
  outputs: number;
  batchSize: number;
  /** The trainer from the compiled model (createTrainerFromModel), else createTrainer with its weights. */
  fromModel: boolean;
  /** tf.train.adam or tf.train.rmsprop at LEARNING_RATE, on both sides. */
  optimizer: 'adam' | 'rmsprop';
}

// A covering design over cell × head: every cell and every head+loss at least once, with one and two
// layers, whole and short last batches (batch 2: rows 2, 2, 1), and both ways of making the trainer.
const cases: Case[] = [
  {
    cell: 'simpleRNN',
    units: [50],
    head: 'sigmoid',
    loss: 'binaryCrossentropy',
    outputs: 2,
    batchSize: 32,
    fromModel: false,
    optimizer: 'adam',
  },
  {
    cell: 'lstm',
    units: [50],
    head: 'softmax',
    loss: 'categoricalCrossentropy',
    outputs: 2,
    batchSize: 2,
    fromModel: true,
    optimizer: 'adam',
  },
  {
    cell: 'gru',
    units: [50],
    head: 'softmax',
    loss: 'sparseCategoricalCrossentropy',
    outputs: 3,
    batchSize: 32,
    fromModel: false,
    optimizer: 'adam',
  },
  {
    cell: 'gru',
    units: [12, 50],
    head: 'sigmoid',
    loss: 'binaryCrossentropy',
    outputs: 2,
    batchSize: 2,
    fromModel: true,
    optimizer: 'adam',
  },
  {
    cell: 'simpleRNN',
    units: [12, 50],
    head: 'softmax',
    loss: 'sparseCategoricalCrossentropy',
    outputs: 3,
    batchSize: 2,
    fromModel: true,
    optimizer: 'adam',
  },
  // RMSProp under a classification head (the loss kernel advances no β powers), read from the model.
  {
    cell: 'lstm',
    units: [50],
    head: 'sigmoid',
    loss: 'binaryCrossentropy',
    outputs: 2,
    batchSize: 2,
    fromModel: true,
    optimizer: 'rmsprop',
  },
];

function stockModel(c: Case): tf.Sequential {
  const model = tf.sequential();
  c.units.forEach((units, l) =>
    model.add(
      STOCK_LAYERS[c.cell]({
        units,
        returnSequences: l < c.units.length - 1,
        ...(l === 0 ? { inputShape: [3, 1] } : {}),
      }),
    ),
  );
  model.add(tf.layers.dense({ units: c.outputs, activation: c.head }));
  const optimizer = c.optimizer === 'rmsprop' ? tf.train.rmsprop(LEARNING_RATE) : tf.train.adam(LEARNING_RATE);
  model.compile({ optimizer, loss: c.loss, metrics: ['acc'] });
  return model;
}

const worstRelative = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));

describe('the trainer with classification heads against stock tfjs on cpu', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await getSharedPipelinesDevice();
    await tf.setBackend('cpu');
  });

  it.each(cases)(
    `$cell $units → Dense($outputs, $head), $loss, $optimizer, batch $batchSize, from a model: $fromModel: ` +
      `${EPOCHS} epochs, the same losses and accuracies`,
    async (c) => {
      const model = stockModel(c);
      // The same seeded initial weights either way (a model's own initializers are unseeded).
      const seeded = await createTrainer(device, {
        timesteps: 3,
        features: 1,
        units: c.units,
        outputs: c.outputs,
        cell: c.cell,
        outputActivation: c.head,
        loss: c.loss,
        metrics: ['accuracy'],
        optimizer: { type: c.optimizer, learningRate: LEARNING_RATE },
        seed: 7,
      });
      const initialWeights = await seeded.getWeights();
      const initial = initialWeights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape));
      model.setWeights(initial);
      tf.dispose(initial);
      let trainer = seeded;
      if (c.fromModel) {
        seeded.destroy();
        trainer = await createTrainerFromModel(device, model);
      }
      expect(trainer.config).toMatchObject({ outputActivation: c.head, loss: c.loss, metrics: ['accuracy'] });
      expect(trainer.config.optimizer.type).toBe(c.optimizer);
      const labels = LABELS[c.loss];
      const xs = tf.tensor3d(x.flat(2), [5, 3, 1]);
      const ys =
        c.loss === 'sparseCategoricalCrossentropy'
          ? tf.tensor2d(labels.flat(), [5, 1])
          : tf.tensor2d(labels.flat(), [5, 2]);
      // The stock run's losses and accuracies are golden data (helpers/stock-seed.ts).
      const stock = await goldenStockRun(
        { test: 'trainer-heads', c, epochs: EPOCHS, learningRate: LEARNING_RATE, x, labels },
        initialWeights,
        async () => {
          const fit = await model.fit(xs, ys, { epochs: EPOCHS, batchSize: c.batchSize, shuffle: false, verbose: 0 });
          return fit.history as { loss: number[]; acc: number[] };
        },
      );

      trainer.setData(x, labels as never);
      const logged: { loss: number; acc?: number }[] = [];
      const history = await trainer.fit({
        epochs: EPOCHS,
        batchSize: c.batchSize,
        shuffle: false,
        onEpochEnd: (_, logs) => void logged.push(logs),
      });
      expect(stock.loss[EPOCHS - 1], 'the stock run learns').toBeLessThan(stock.loss[0]!);
      expect(worstRelative(history, stock.loss), 'largest per-epoch relative loss difference').toBeLessThan(TOLERANCE);
      expect(history.acc).toHaveLength(EPOCHS);
      expect(logged).toEqual(history.map((loss, e) => ({ loss, acc: history.acc![e] })));
      // One prediction is 1/5 (softmax) or 1/10 (sigmoid, 2 outputs) of an epoch's accuracy; a logit
      // this close to 0 or to a tie may fall either way in two runs 1e-4 apart.
      const step = 1 / (5 * (c.head === 'sigmoid' ? c.outputs : 1));
      const apart = history.acc!.map((a, e) => Math.round(Math.abs(a - stock.acc[e]!) / step));
      expect(Math.max(...apart), 'accuracies at most one prediction apart').toBeLessThanOrEqual(1);
      expect(apart.filter((d) => d === 0).length, 'epochs with the same accuracy').toBeGreaterThanOrEqual(EPOCHS * 0.9);
      expect(new Set(history.acc).size, 'the accuracy moves as the model learns').toBeGreaterThan(1);

      // predict gives the head's probabilities, as model.predict; evaluate the loss, as model.evaluate.
      const probe = tf.tensor3d(x.flat(2), [5, 3, 1]);
      await copyWeightsToModel(trainer, model);
      const expected = (model.predict(probe) as tf.Tensor).dataSync();
      expect(relativeError(await trainer.predict(x), expected), 'predict').toBeLessThan(1e-4);
      const [loss] = (model.evaluate(xs, ys) as tf.Scalar[]).map((t) => t.dataSync()[0]!);
      expect(Math.abs((await trainer.evaluate(x, labels as never)) - loss!) / loss!, 'evaluate').toBeLessThan(1e-4);
      tf.dispose([xs, ys, probe]);
      model.dispose();
      trainer.destroy();
    },
  );
});

describe('the trainer with classification heads, whatever the workgroup order', () => {
  // Two layers and split weight gradients, so that every trainer kernel spans several workgroups; the
  // sparse targets' gather (one id a row) too. The heads' kernels do not depend on the cell, and every
  // cell's kernels are permuted in workgroup-order.test.ts: SimpleRNN, as trainer.test.ts's order test
  // (the same recurrence pipelines), with the GRU cases' heads.
  it.each(cases.filter((c) => c.cell === 'gru').map((c) => [c.loss, c] as const))(
    '%s: the same losses, accuracies and weights, bit for bit, with the workgroups interleaved',
    async (_, c) => {
      const device = await getDevice();
      const results = [];
      for (const workgroupOrder of ['natural', 'interleaved'] as const) {
        const trainer = await createTrainer(device, {
          timesteps: 3,
          features: 1,
          units: [6, 9],
          outputs: c.outputs,
          outputActivation: c.head,
          loss: c.loss,
          metrics: ['accuracy'],
          seed: 6,
          strategy: { weightGradientRows: 4, workgroupOrder },
        });
        trainer.setData(x, LABELS[c.loss] as never);
        const history = await trainer.fit({ epochs: 5, batchSize: 2, seed: 1 });
        results.push([history, history.acc!, ...(await trainer.getWeights())].map((a) => bytes(Float32Array.from(a))));
        trainer.destroy();
      }
      expect(results[1], 'interleaved against natural').toEqual(results[0]);
    },
  );
});

describe('the trainer with accuracy over long submissions', () => {
  // With accuracy an epoch takes two progress values: a submission records at most 2,048 epochs, and
  // longer fits are split, with the same results as shorter submissions.
  it('fits 2,050 epochs asked in one submission as in submissions of 700', async () => {
    const device = await getSharedPipelinesDevice();
    const histories = [];
    for (const epochsPerSubmit of [4096, 700]) {
      const trainer = await createTrainer(device, {
        timesteps: 3,
        features: 1,
        units: 4,
        outputs: 1,
        outputActivation: 'sigmoid',
        loss: 'binaryCrossentropy',
        metrics: ['accuracy'],
        seed: 3,
      });
      trainer.setData(x.slice(0, 2), [[0], [1]]);
      histories.push(await trainer.fit({ epochs: 2050, batchSize: 2, shuffle: false, epochsPerSubmit }));
      trainer.destroy();
    }
    const [once, split] = histories;
    expect(once).toHaveLength(2050);
    expect(once!.acc).toHaveLength(2050);
    expect(once!.acc!.every((a) => a === 0 || a === 0.5 || a === 1)).toBe(true);
    expect(once!.at(-1)).toBeLessThan(once![0]!);
    expect([...once!]).toEqual([...split!]);
    expect(once!.acc).toEqual(split!.acc);
  });
});

describe('createTrainerFromModel refuses, by name, the heads it cannot train as tfjs does', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await getDevice();
  });

  const model = (activation: string, units: number, compile: tf.ModelCompileArgs | null) => {
    const m = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ units: 4, inputShape: [3, 1] }),
        tf.layers.dense({ units, activation: activation as never }),
      ],
    });
    if (compile) m.compile(compile);
    return m;
  };
  const cases: [string, () => tf.LayersModel, RegExp][] = [
    [
      'a tanh head',
      () => model('tanh', 2, { optimizer: 'adam', loss: 'meanSquaredError' }),
      /has activation: 'tanh' \(only 'linear'/,
    ],
    [
      'MSE on a sigmoid head',
      () => model('sigmoid', 2, { optimizer: 'adam', loss: 'meanSquaredError' }),
      /has activation 'sigmoid' and the model's loss is 'meanSquaredError' \(a 'sigmoid' head trains under/,
    ],
    [
      'binary cross-entropy on a linear head',
      () => model('linear', 1, { optimizer: 'adam', loss: 'binaryCrossentropy' }),
      /has activation 'linear' and the model's loss is 'binaryCrossentropy' \(a 'linear' head trains under 'mse'/,
    ],
    [
      'an uncompiled softmax head',
      () => model('softmax', 3, null),
      /has activation 'softmax' and the model is not compiled \(no loss\)/,
    ],
    [
      'a softmax over one unit',
      () => model('softmax', 1, { optimizer: 'adam', loss: 'categoricalCrossentropy' }),
      /is a softmax over 1 unit, always 1/,
    ],
    [
      'another metric',
      () => model('sigmoid', 1, { optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['acc', 'mse'] }),
      /its metrics are \['acc', 'mse'\] \(only 'accuracy' or 'acc'\)/,
    ],
    [
      'accuracy on a linear head',
      () => model('linear', 1, { optimizer: 'adam', loss: 'meanSquaredError', metrics: ['accuracy'] }),
      /its metrics ask for accuracy, and layer \w+ is linear/,
    ],
    [
      'a loss tfjs has and the trainer lacks',
      () => model('sigmoid', 1, { optimizer: 'adam', loss: 'hinge' }),
      /its loss is 'hinge' \(only 'meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy'/,
    ],
  ];
  it.each(cases)('%s', async (_, build, message) => {
    const m = build();
    await expect(createTrainerFromModel(device, m)).rejects.toThrow(message);
    m.dispose();
  });
});

describe('a classification head with clipped gradients', () => {
  // One SGD step of a 2-layer SimpleRNN under a softmax head: the exact cross-entropy's gradients from the
  // logits (tf ops on cpu, a linear twin of the model), clipped with tf ops, against the step the trainer took.
  // The learning rate makes the step much larger than the weights, so that w1 − w0 loses nothing.
  it.each(['clipNorm', 'globalClipNorm'] as const)(
    "%s: one SGD step is the categorical cross-entropy's gradients clipped by tf ops",
    async (clip) => {
      const device = await getSharedPipelinesDevice();
      await tf.setBackend('cpu');
      const config = {
        timesteps: 3,
        features: 1,
        units: [6, 5],
        outputs: 2,
        outputActivation: 'softmax',
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy'],
        seed: 5,
      } as const;
      const probe = await createTrainer(device, config);
      const initial = await probe.getWeights();
      probe.destroy();
      const model = tf.sequential({
        layers: [
          tf.layers.simpleRNN({ units: 6, returnSequences: true, inputShape: [3, 1] }),
          tf.layers.simpleRNN({ units: 5 }),
          tf.layers.dense({ units: 2 }),
        ],
      });
      model.setWeights(initial.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
      const labels = LABELS.categoricalCrossentropy;
      const xs = tf.tensor3d(x.flat(2), [5, 3, 1]);
      const ys = tf.tensor2d(labels.flat(), [5, 2]);
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(xs) as tf.Tensor;
        return tf.mean(tf.neg(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), -1))) as tf.Scalar;
      }, variables);
      const gradients = variables.map((v) => grads[v.name]!);
      const { c, scales, expected } = clippedGradients(gradients, clip);
      expect(Math.min(...scales), 'the clip shrinks some gradients').toBeLessThan(0.9);
      tf.dispose([value, xs, ys, ...gradients]);
      model.dispose();

      const learningRate = 1000 / c;
      const trainer = await createTrainer(device, { ...config, optimizer: { type: 'sgd', learningRate, [clip]: c } });
      expect(trainer.dispatchesPerStep, 'the clip is one more dispatch').toBe(5 * 2 + 6);
      trainer.setData(x, labels as never);
      const history = await trainer.fit({ epochs: 1, batchSize: 32, shuffle: false });
      expect(history.acc).toHaveLength(1);
      const after = await trainer.getWeights();
      trainer.destroy();
      after.forEach((w, i) => {
        const applied = Float64Array.from(w, (v, k) => (initial[i]![k]! - v) / Math.fround(learningRate));
        expect(relativeError(applied, expected[i]!), `tensor ${i}`).toBeLessThan(TOLERANCE);
      });
    },
  );
});
