import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { KernelRun } from '../src/gpu/kernel.js';
import { describeTrainerLoss, type Loss } from '../src/kernels/trainer-loss.js';
import { trainerLossRef } from '../src/kernels/trainer-loss.ref.js';
import type { OptimizerConfig } from '../src/kernels/trainer-optimizer.js';
import { resolveOptimizer } from '../src/trainer/optimizer-config.js';
import { BARRIER, withoutBarrier } from './helpers/barriers.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes, progressData, readProgress, u32Bits } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 sums of batchSize · outputs terms against float64, relative.
const TOLERANCE = 1e-5;
const adam: OptimizerConfig = resolveOptimizer('adam');

interface Case {
  /** Rows of the epoch and of a batch: samples (batchSize) times stepsPerSample. */
  samples: number;
  outputs: number;
  batchSize: number;
  /** Real samples of the batch: rows · stepsPerSample real rows. */
  rows: number;
  stepsPerSample: number;
  loss: Loss;
  accuracy: boolean;
}

// Outputs 1 and primes, batches past the workgroup (64 lanes, 64 partial sums) and short last batches.
const cases: Case[] = [
  { samples: 1, outputs: 1, batchSize: 1, rows: 1, stepsPerSample: 1, loss: 'mse', accuracy: false },
  { samples: 5, outputs: 2, batchSize: 2, rows: 1, stepsPerSample: 1, loss: 'mae', accuracy: false },
  { samples: 130, outputs: 3, batchSize: 128, rows: 2, stepsPerSample: 1, loss: 'mse', accuracy: false },
  { samples: 9980, outputs: 1, batchSize: 128, rows: 128, stepsPerSample: 1, loss: 'mae', accuracy: false },
  { samples: 1000, outputs: 7, batchSize: 97, rows: 53, stepsPerSample: 1, loss: 'mse', accuracy: false },
  { samples: 3, outputs: 1, batchSize: 3, rows: 3, stepsPerSample: 1, loss: 'binaryCrossentropy', accuracy: true },
  { samples: 300, outputs: 3, batchSize: 131, rows: 97, stepsPerSample: 1, loss: 'binaryCrossentropy', accuracy: true },
  {
    samples: 200,
    outputs: 1,
    batchSize: 200,
    rows: 200,
    stepsPerSample: 1,
    loss: 'binaryCrossentropy',
    accuracy: false,
  },
  { samples: 7, outputs: 2, batchSize: 4, rows: 3, stepsPerSample: 1, loss: 'categoricalCrossentropy', accuracy: true },
  {
    samples: 1000,
    outputs: 7,
    batchSize: 97,
    rows: 53,
    stepsPerSample: 1,
    loss: 'categoricalCrossentropy',
    accuracy: true,
  },
  {
    samples: 128,
    outputs: 13,
    batchSize: 128,
    rows: 128,
    stepsPerSample: 1,
    loss: 'categoricalCrossentropy',
    accuracy: false,
  },
  {
    samples: 5,
    outputs: 2,
    batchSize: 5,
    rows: 5,
    stepsPerSample: 1,
    loss: 'sparseCategoricalCrossentropy',
    accuracy: true,
  },
  {
    samples: 650,
    outputs: 5,
    batchSize: 130,
    rows: 67,
    stepsPerSample: 1,
    loss: 'sparseCategoricalCrossentropy',
    accuracy: true,
  },
  {
    samples: 67,
    outputs: 11,
    batchSize: 67,
    rows: 67,
    stepsPerSample: 1,
    loss: 'sparseCategoricalCrossentropy',
    accuracy: false,
  },
  // A head on every step: 7 samples of 5 steps in batches of 4, the last batch's 3 samples real.
  {
    samples: 35,
    outputs: 3,
    batchSize: 20,
    rows: 3,
    stepsPerSample: 5,
    loss: 'sparseCategoricalCrossentropy',
    accuracy: true,
  },
  { samples: 26, outputs: 2, batchSize: 26, rows: 1, stepsPerSample: 13, loss: 'mse', accuracy: false },
];

/** Targets as each loss takes them: any numbers; 0/1 labels (a few soft); one-hot rows (some of mass 0.5); ids. */
function targetsFor(c: Case, rng: () => number): Float32Array {
  const { batchSize: B, outputs: O, loss } = c;
  if (loss === 'mse' || loss === 'mae') return uniform(B * O, 2, rng);
  if (loss === 'binaryCrossentropy')
    return Float32Array.from({ length: B * O }, (_, i) => (i % 5 === 4 ? rng() : +(rng() > 0.5)));
  if (loss === 'sparseCategoricalCrossentropy') return Float32Array.from({ length: B }, () => Math.floor(rng() * O));
  const y = new Float32Array(B * O);
  for (let r = 0; r < B; r++) {
    // Some rows soft, summing to 0.5: the gradient is p·Σt − t.
    if (r % 7 === 6) for (let k = 0; k < O; k++) y[r * O + k] = 0.5 / O;
    else y[r * O + Math.floor(rng() * O)] = 1;
  }
  return y;
}

function setup(c: Case, seed: number, logits?: Float32Array) {
  const rng = random(seed);
  const predictions = logits ?? uniform(c.batchSize * c.outputs, c.loss === 'mse' || c.loss === 'mae' ? 2 : 4, rng);
  const batchY = targetsFor(c, rng);
  const data = {
    progress: progressData({ fitStep: 3, firstEpoch: 0, accBeta1: 0.81, accBeta2: 0.5, losses: [0.25, 0.5, 2, 3] }),
    batch: u32Bits([c.rows, 1]),
    predictions,
    batchY,
    dPredictions: c.batchSize * c.outputs,
  };
  return { data, expected: trainerLossRef(predictions, batchY, c, c.rows * c.stepsPerSample, c.loss) };
}

const name = (c: Case) =>
  `N${c.samples} O${c.outputs} batch ${c.batchSize} with ${c.rows} real rows` +
  (c.stepsPerSample > 1 ? ` of ${c.stepsPerSample} steps` : '') +
  `, ${c.loss}` +
  (c.accuracy ? ' + accuracy' : '');

describe('trainer-loss kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases.map((c) => [name(c), c] as const))('%s', async (_, c) => {
    const { data, expected } = setup(c, c.batchSize + c.rows + c.outputs);
    const runs = [64, 1, 5, 7].map((size) => describeTrainerLoss(c, c, adam, size));
    const out = await runKernel(device, runs[0]!, data);
    expect(relativeError(out.dPredictions!, expected.dPredictions), 'dŷ').toBeLessThan(TOLERANCE);
    expect(
      [...out.dPredictions!.subarray(c.rows * c.stepsPerSample * c.outputs)].every((g) => g === 0),
      'padding rows masked',
    ).toBe(true);
    // With accuracy each epoch holds [loss, correct predictions]: epoch 1's loss at 2, its count at 3.
    const perEpoch = c.accuracy ? 2 : 1;
    const progress = readProgress(out.progress!, 4);
    expect(progress.fitStep, 'the step counter advances').toBe(4);
    expect([progress.accBeta1, progress.accBeta2]).toEqual([
      Math.fround(Math.fround(0.81) * Math.fround(0.9)),
      Math.fround(0.5 * Math.fround(0.999)),
    ]);
    const before = [0.25, 0.5, 2, 3];
    const epochLoss = progress.losses[perEpoch]! - before[perEpoch]!;
    expect(Math.abs(epochLoss - expected.epochLoss) / expected.epochLoss, 'the batch adds its share').toBeLessThan(
      TOLERANCE,
    );
    const untouched = c.accuracy ? [0, 1] : [0, 2, 3];
    for (const i of untouched) expect(progress.losses[i], `value ${i}: another epoch's`).toBe(before[i]);
    if (c.accuracy) expect(progress.losses[3]! - 3, 'correct predictions, counted').toBe(expected.correct);
    for (const run of runs.slice(1)) {
      const other = await runKernel(device, run, data);
      for (const binding of ['dPredictions', 'progress'])
        expect(
          bytes(other[binding]!).equals(bytes(out[binding]!)),
          `${binding} with ${run.constants.WORKGROUP_SIZE} lanes`,
        ).toBe(true);
    }
  });

  it.each(['mse', 'mae'] as const)('%s: NaN and ±Infinity reach the loss and dŷ as in tfjs', async (loss) => {
    const c: Case = { samples: 4, outputs: 2, batchSize: 4, rows: 4, stepsPerSample: 1, loss, accuracy: false };
    const { data, expected } = setup(c, 5, Float32Array.of(Number.NaN, Infinity, -Infinity, 0, 1, -1, 0.5, 2));
    const out = await runKernel(device, describeTrainerLoss(c, c, adam), data);
    expect(relativeError(out.dPredictions!, expected.dPredictions)).toBeLessThan(TOLERANCE);
    expect(readProgress(out.progress!, 2).losses[1]).toBeNaN();
  });

  // Logits of ±100: exp(100) overflows float32, so the naive forms (log σ(z), log Σ exp z) give
  // Infinity or NaN; the kernel's softplus and log-sum-exp forms stay finite and exact.
  const extremes: [Case, number[], number[]][] = [
    [
      { samples: 6, outputs: 1, batchSize: 6, rows: 6, stepsPerSample: 1, loss: 'binaryCrossentropy', accuracy: true },
      [100, -100, 100, -100, 30, -0.5],
      [1, 0, 0, 1, 1, 0],
    ],
    [
      {
        samples: 3,
        outputs: 3,
        batchSize: 3,
        rows: 3,
        stepsPerSample: 1,
        loss: 'categoricalCrossentropy',
        accuracy: true,
      },
      [100, -100, 0, -100, 100, 99, 100, 100, -100],
      [1, 0, 0, 1, 0, 0, 0.5, 0, 0.5],
    ],
    [
      {
        samples: 3,
        outputs: 3,
        batchSize: 3,
        rows: 3,
        stepsPerSample: 1,
        loss: 'sparseCategoricalCrossentropy',
        accuracy: true,
      },
      [100, -100, 0, -100, 100, 99, 100, 100, -100],
      [0, 0, 2],
    ],
  ];
  const naive = (c: Case, z: number[], t: number[]) => {
    const f = Math.fround;
    if (c.loss === 'binaryCrossentropy')
      return z.map((v, i) => {
        const p = f(1 / f(1 + f(Math.exp(-v))));
        return f(-t[i]! * Math.log(p) - (1 - t[i]!) * Math.log(f(1 - p)));
      });
    return z.map((v) => f(Math.exp(v)) / f(Math.exp(100) * 3));
  };
  it.each(extremes.map(([c, z, t]) => [c.loss, c, z, t] as const))(
    '%s: finite and exact at logits ±100, where the naive form overflows',
    async (_, c, z, t) => {
      expect(
        naive(c, z, t).some((v) => !Number.isFinite(v)),
        'the naive float32 form',
      ).toBe(true);
      const { data } = setup(c, 1, Float32Array.from(z));
      data.batchY = Float32Array.from(t);
      const expected = trainerLossRef(z, t, c, c.rows, c.loss);
      const out = await runKernel(device, describeTrainerLoss(c, c, adam), data);
      expect(out.dPredictions!.every(Number.isFinite), 'dz finite').toBe(true);
      expect(relativeError(out.dPredictions!, expected.dPredictions), 'dz').toBeLessThan(TOLERANCE);
      const [loss, correct] = readProgress(out.progress!, 4).losses.slice(2);
      expect(Math.abs(loss! - 2 - expected.epochLoss) / expected.epochLoss, 'loss').toBeLessThan(TOLERANCE);
      expect(correct! - 3).toBe(expected.correct);
    },
  );

  it.each([
    ['binaryCrossentropy', 'that element', 2, [0.5, Number.NaN, -1, 2], [1, 0, 0, 1]],
    ['categoricalCrossentropy', 'its whole row', 2, [0.5, Number.NaN, -1, 2], [1, 0, 0, 1]],
    ['sparseCategoricalCrossentropy', 'its whole row', 2, [Number.NaN, 0.5, -1, 2], [1, 0]],
  ] as const)('%s: a NaN logit makes the loss NaN and the gradient of %s', async (loss, _, outputs, z, t) => {
    const c: Case = { samples: 2, outputs, batchSize: 2, rows: 2, stepsPerSample: 1, loss, accuracy: true };
    const { data } = setup(c, 1, Float32Array.from(z));
    data.batchY = Float32Array.from(t);
    const expected = trainerLossRef(z, t, c, c.rows, c.loss);
    const out = await runKernel(device, describeTrainerLoss(c, c, adam), data);
    expect(
      Array.from(out.dPredictions!, Number.isNaN),
      'NaN where the reference has it (tfjs: sigmoid per element, softmax per row)',
    ).toEqual(Array.from(expected.dPredictions, Number.isNaN));
    expect(relativeError(out.dPredictions!, expected.dPredictions)).toBeLessThan(TOLERANCE);
    expect(readProgress(out.progress!, 4).losses[2]).toBeNaN();
  });

  // tfjs's metrics on its cpu backend, from the probabilities: at the sigmoid's threshold (σ(z) rounds
  // to 0.5 in float32 up to z = 2⁻²³), at ties of logits and of targets (the first of equals), at NaN.
  const tiny = 2 ** -23;
  it.each([
    ['binaryCrossentropy', 1, [0, tiny, 2 * tiny, -tiny, 1e-9, -3, 5, Number.NaN], [1, 1, 1, 0, 0, 0, 1, 0]],
    ['categoricalCrossentropy', 3, [1, 1, 0, 0, 2, 2, -1, 5, 5, 3, 3, 3], [0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0]],
    ['sparseCategoricalCrossentropy', 3, [1, 1, 0, 0, 2, 2, -1, 5, 5, 3, 3, 3, 0, 4, 4], [0, 1, 1, 0, 2]],
  ] as const)('%s: correct predictions as tfjs counts them on cpu', async (loss, outputs, z, t) => {
    const rows = z.length / outputs;
    const c: Case = { samples: rows, outputs, batchSize: rows, rows, stepsPerSample: 1, loss, accuracy: true };
    const { data } = setup(c, 1, Float32Array.from(z));
    data.batchY = Float32Array.from(t);
    const counted =
      readProgress((await runKernel(device, describeTrainerLoss(c, c, adam), data)).progress!, 4).losses[3]! - 3;
    // tfjs's cpu backend, whichever backend an earlier file of this worker left active.
    const active = tf.getBackend();
    await tf.setBackend('cpu');
    const logits = tf.tensor2d([...z], [rows, outputs]);
    const metric =
      loss === 'binaryCrossentropy'
        ? tf.metrics.binaryAccuracy(tf.tensor2d([...t], [rows, 1]), tf.sigmoid(logits))
        : loss === 'categoricalCrossentropy'
          ? tf.metrics.categoricalAccuracy(tf.tensor2d([...t], [rows, outputs]), tf.softmax(logits))
          : tf.metrics.sparseCategoricalAccuracy(tf.tensor1d([...t]), tf.softmax(logits));
    const tfjs = Array.from(await metric.data()).reduce((a, b) => a + b, 0);
    tf.dispose([logits, metric]);
    if (active) await tf.setBackend(active);
    expect(counted).toBe(tfjs);
    expect(counted, 'the cases hold right and wrong predictions').toBeGreaterThan(0);
    expect(counted).toBeLessThan(rows);
    expect(counted).toBe(trainerLossRef(z, t, c, rows, loss).correct);
  });

  it('SGD leaves the β powers alone', async () => {
    const c = cases[2]!;
    const out = await runKernel(device, describeTrainerLoss(c, c, { ...adam, type: 'sgd' }), setup(c, 1).data);
    expect(readProgress(out.progress!, 2)).toMatchObject({ fitStep: 4, accBeta1: Math.fround(0.81), accBeta2: 0.5 });
  });

  // SwiftShader runs 4 lanes in lockstep and switches at barriers: without the barrier, invocation 0
  // adds the partials before the other lanes wrote theirs.
  it.each([cases[3]!, cases[12]!].map((c) => [c.loss, c] as const))(
    '%s needs its barrier: removing it breaks the loss',
    async (_, c) => {
      const { data, expected } = setup(c, 9);
      const run = describeTrainerLoss(c, c, adam);
      expect([...run.spec.code.matchAll(BARRIER)].map((m) => m[0])).toEqual(['workgroupBarrier();']);
      const at = c.accuracy ? 2 : 1;
      const loss = async (r: KernelRun) => {
        const losses = readProgress((await runKernel(device, r, data)).progress!, 4).losses;
        return losses[at]! - [0.25, 0.5, 2][at]!;
      };
      const error = async (r: KernelRun) => Math.abs((await loss(r)) - expected.epochLoss) / expected.epochLoss;
      expect(await error(run)).toBeLessThan(TOLERANCE);
      expect(await error(withoutBarrier(run, 0))).toBeGreaterThan(TOLERANCE);
    },
  );
});
