import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropoutMaskRef } from '../src/kernels/dropout-mask.ref.js';
import { sideLayout } from '../src/kernels/side-inputs.js';
import { deviceTraits, WORKGROUP_ORDERS } from '../src/kernels/strategy.js';
import { describeTrainerDropout } from '../src/kernels/trainer-dropout.js';
import { stepSeed } from '../src/kernels/trainer-dropout.ref.js';
import type { TrainerCell, TrainerConfig } from '../src/trainer/config.js';
import { seededRandom } from '../src/trainer/random.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { relativeError } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes, progressData } from './helpers/trainer-data.js';
import { getDevice, getSharedPipelinesDevice } from './helpers/webgpu.js';

describe('trainer-dropout kernel', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  // The step's masks are dropout-mask's for the step's seed, exactly; the ids copied as the mask.
  it.each([
    { batch: 1, timesteps: 1, features: 1, units: 1, masking: true, input: 0.5, recurrent: 0.5 },
    { batch: 7, timesteps: 5, features: 3, units: 11, masking: false, input: 0.2, recurrent: 0 },
    { batch: 13, timesteps: 3, features: 67, units: 5, masking: true, input: 0, recurrent: 0.7 },
  ])('$batch rows, $features features, $units units, masking $masking: the reference bits', async (c) => {
    const side = sideLayout(
      {
        ...c,
        useInitialState: false,
        useInitialSaved: false,
        masking: c.masking ? 'steps' : null,
        inputDropout: c.input > 0,
        recurrentDropout: c.recurrent > 0,
      },
      traits.limits.minStorageBufferOffsetAlignment,
    );
    const ids = Float32Array.from({ length: c.batch * c.timesteps }, (_, i) => (i * 7) % 5);
    const seeds = [41, 42] as const;
    for (const step of [0, 5]) {
      const expected = new Float32Array(side.bytes / 4).fill(-1);
      if (side.mask) expected.set(ids, side.mask.at);
      if (side.inputDropout)
        expected.set(dropoutMaskRef(c.batch, c.features, c.input, stepSeed(seeds[0], step)), side.inputDropout.at);
      if (side.recurrentDropout)
        expected.set(dropoutMaskRef(c.batch, c.units, c.recurrent, stepSeed(seeds[1], step)), side.recurrentDropout.at);
      const data = {
        progress: progressData({ fitStep: step, firstEpoch: 0, accBeta1: 1, accBeta2: 1, losses: [0] }),
        ids,
        side: new Float32Array(side.bytes / 4).fill(-1),
      };
      for (const workgroupOrder of WORKGROUP_ORDERS)
        for (const size of [64, 1, 5]) {
          const run = describeTrainerDropout(
            c,
            side,
            { rate: c.input, recurrentRate: c.recurrent, seeds },
            { workgroupOrder },
            traits,
            size,
          );
          const out = (await runKernel(device, run, data)).side!;
          expect(bytes(out).equals(bytes(expected)), `step ${step}, ${workgroupOrder}, ${size} lanes`).toBe(true);
        }
    }
  });
});

// The trainer with dropout against stock tfjs on cpu given the same masks: each stock layer's dropoutFunc
// returns, call by call, the masks trainer-dropout draws for that step (tfjs's cells draw `gates` masks of
// each kind at a batch's first step and use the first), so the two train alike: per-epoch losses within
// 1e-3 relative over 12 epochs (36 steps, each with masks of its own), and prediction (no dropout) as
// model.predict.
const TOLERANCE = 1e-3;
const EPOCHS = 12;
const SAMPLES = 5;
const TIMESTEPS = 4;
const BATCH = 2;
const FIT_SEED = 99;
const GATES: Record<TrainerCell, number> = { simpleRNN: 1, lstm: 4, gru: 3 };
const STOCK_LAYERS = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru } as const;

interface Case {
  name: string;
  cell: TrainerCell;
  units: number[];
  dropout: number[];
  recurrentDropout: number[];
  /** Token input (an Embedding with maskZero) and a softmax head on every step; else values and MSE. */
  text: boolean;
}

const cases: Case[] = [
  { name: 'LSTM, both rates', cell: 'lstm', units: [8], dropout: [0.3], recurrentDropout: [0.2], text: false },
  {
    name: 'embedding(maskZero) → 2 GRUs, input dropout below, recurrent above, on every step',
    cell: 'gru',
    units: [6, 5],
    dropout: [0.25, 0],
    recurrentDropout: [0, 0.4],
    text: true,
  },
  {
    name: 'SimpleRNN → SimpleRNN, both rates in both',
    cell: 'simpleRNN',
    units: [7, 9],
    dropout: [0.2, 0.5],
    recurrentDropout: [0.3, 0.1],
    text: false,
  },
];

/** The masks a trainer layer draws, step by step, as tfjs's dropoutFunc hands them out. */
function stockDropoutFunc(c: Case, l: number, features: number) {
  const kinds = [c.dropout[l]! > 0, c.recurrentDropout[l]! > 0];
  const perBatch = GATES[c.cell] * kinds.filter(Boolean).length;
  let calls = 0;
  return (ones: tf.Tensor, rate: number) => {
    const step = Math.floor(calls / perBatch);
    const recurrent = !kinds[0] || calls % perBatch >= GATES[c.cell];
    calls++;
    const columns = recurrent ? c.units[l]! : features;
    const mask = dropoutMaskRef(BATCH, columns, rate, stepSeed(FIT_SEED + 2 * l + Number(recurrent), step));
    // A short last batch uses the mask's first rows.
    return tf.tensor(mask.subarray(0, ones.shape[0]! * columns), ones.shape);
  };
}

describe('the trainer with dropout against stock tfjs on cpu, given the same masks', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await getSharedPipelinesDevice();
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c) => [c.name, c] as const))(`%s: ${EPOCHS} epochs, the same losses`, async (_, c) => {
    const random = seededRandom(c.units.length);
    const config: TrainerConfig = {
      timesteps: TIMESTEPS,
      ...(c.text ? { embedding: { inputDim: 5, outputDim: 3, maskZero: true } } : { features: 2 }),
      units: c.units,
      outputs: c.text ? 5 : 2,
      cell: c.cell,
      dropout: c.dropout,
      recurrentDropout: c.recurrentDropout,
      returnSequences: c.text,
      ...(c.text ? { outputActivation: 'softmax', loss: 'sparseCategoricalCrossentropy' } : {}),
      optimizer: { type: 'adam', learningRate: 0.01 },
      seed: 5,
    };
    const x = Array.from({ length: SAMPLES }, (_, n) =>
      Array.from({ length: TIMESTEPS }, (_, t) =>
        c.text ? (t < n % 2 ? 0 : 1 + Math.floor(random() * 4)) : [random() * 2 - 1, random() * 2 - 1],
      ),
    );
    const y = Array.from({ length: SAMPLES }, () =>
      c.text ? Array.from({ length: TIMESTEPS }, () => Math.floor(random() * 5)) : [random() * 2 - 1, random() * 2 - 1],
    );
    const trainer = await createTrainer(device, config);

    const model = tf.sequential();
    if (c.text) model.add(tf.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputLength: TIMESTEPS }));
    c.units.forEach((units, l) =>
      model.add(
        STOCK_LAYERS[c.cell]({
          units,
          returnSequences: c.text || l < c.units.length - 1,
          dropout: c.dropout[l],
          recurrentDropout: c.recurrentDropout[l],
          dropoutFunc: stockDropoutFunc(c, l, l === 0 ? (c.text ? 3 : 2) : c.units[l - 1]!),
          ...(l === 0 && !c.text ? { inputShape: [TIMESTEPS, 2] } : {}),
        } as never),
      ),
    );
    const dense = tf.layers.dense({ units: c.text ? 5 : 2, activation: c.text ? 'softmax' : 'linear' });
    model.add(c.text ? tf.layers.timeDistributed({ layer: dense }) : dense);
    model.compile({
      optimizer: tf.train.adam(0.01),
      loss: c.text ? 'sparseCategoricalCrossentropy' : 'meanSquaredError',
    });
    const initial = (await trainer.getWeights()).map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape));
    model.setWeights(initial);
    tf.dispose(initial);
    const xs = tf.tensor(x.flat(2) as number[], c.text ? [SAMPLES, TIMESTEPS] : [SAMPLES, TIMESTEPS, 2]);
    const ys = tf.tensor(y.flat() as number[], c.text ? [SAMPLES, TIMESTEPS, 1] : [SAMPLES, 2]);
    const stock = (await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0 })).history
      .loss as number[];

    trainer.setData(x as never, y as never);
    const history = await trainer.fit({ epochs: EPOCHS, batchSize: BATCH, shuffle: false, seed: FIT_SEED });
    const worst = Math.max(...history.map((loss, e) => Math.abs(loss - stock[e]!) / stock[e]!));
    expect(worst, 'largest per-epoch relative loss difference').toBeLessThan(TOLERANCE);

    // Prediction runs without dropout, as model.predict.
    const trained = (await trainer.getWeights()).map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape));
    model.setWeights(trained);
    tf.dispose(trained);
    const expected = (model.predict(xs) as tf.Tensor).dataSync();
    expect(relativeError(await trainer.predict(x as never), expected), 'predict').toBeLessThan(1e-4);
    tf.dispose([xs, ys]);
    model.dispose();
    trainer.destroy();
  });

  it('draws other masks in another fit (another seed), and none in predict', async () => {
    const config: TrainerConfig = { timesteps: 3, features: 1, units: 6, outputs: 1, dropout: 0.5, seed: 2 };
    const x = [[[1], [2], [3]]];
    const y = [[1]];
    const losses = [];
    for (const seed of [1, 2]) {
      const trainer = await createTrainer(device, config);
      trainer.setData(x, y);
      losses.push(await trainer.fit({ epochs: 3, seed }));
      const predictions = [await trainer.predict(x), await trainer.predict(x)];
      expect(bytes(predictions[0]!).equals(bytes(predictions[1]!)), 'predict is deterministic').toBe(true);
      trainer.destroy();
    }
    expect(losses[1]).not.toEqual(losses[0]);
  });
});
