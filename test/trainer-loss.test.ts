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

const cases: { samples: number; outputs: number; batchSize: number; rows: number; loss: Loss }[] = [
  { samples: 1, outputs: 1, batchSize: 1, rows: 1, loss: 'mse' },
  { samples: 5, outputs: 2, batchSize: 2, rows: 1, loss: 'mae' },
  { samples: 130, outputs: 3, batchSize: 128, rows: 2, loss: 'mse' },
  { samples: 9980, outputs: 1, batchSize: 128, rows: 128, loss: 'mae' },
  { samples: 1000, outputs: 7, batchSize: 97, rows: 53, loss: 'mse' },
];

function setup(c: (typeof cases)[number], seed: number, special = false) {
  const rng = random(seed);
  const predictions = uniform(c.batchSize * c.outputs, 2, rng);
  const batchY = uniform(c.batchSize * c.outputs, 2, rng);
  if (special) predictions.set([Number.NaN, Infinity, -Infinity, 0], 0);
  if (special) batchY.set([0, 1, 2, 0], 0);
  const data = {
    progress: progressData({ fitStep: 3, firstEpoch: 0, accBeta1: 0.81, accBeta2: 0.5, losses: [0.25, 0.5] }),
    batch: u32Bits([c.rows, 1]),
    predictions,
    batchY,
    dPredictions: c.batchSize * c.outputs,
  };
  return { data, expected: trainerLossRef(predictions, batchY, c, c.rows, c.loss) };
}

describe('trainer-loss kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)('N$samples O$outputs batch $batchSize with $rows real rows, $loss', async (c) => {
    const { data, expected } = setup(c, c.batchSize + c.rows);
    const runs = [64, 1, 5, 7].map((size) => describeTrainerLoss(c, c.loss, adam, size));
    const out = await runKernel(device, runs[0]!, data);
    expect(relativeError(out.dPredictions!, expected.dPredictions), 'dŷ').toBeLessThan(TOLERANCE);
    expect(
      [...out.dPredictions!.subarray(c.rows * c.outputs)].every((g) => g === 0),
      'padding rows masked',
    ).toBe(true);
    const progress = readProgress(out.progress!, 2);
    expect(progress.fitStep, 'the step counter advances').toBe(4);
    expect([progress.accBeta1, progress.accBeta2]).toEqual([
      Math.fround(Math.fround(0.81) * Math.fround(0.9)),
      Math.fround(0.5 * Math.fround(0.999)),
    ]);
    expect(progress.losses[0], 'another epoch is untouched').toBe(0.25);
    expect(
      Math.abs(progress.losses[1]! - 0.5 - expected.epochLoss) / expected.epochLoss,
      'the batch adds its share to its epoch',
    ).toBeLessThan(TOLERANCE);
    for (const run of runs.slice(1)) {
      const other = await runKernel(device, run, data);
      for (const name of ['dPredictions', 'progress'])
        expect(
          bytes(other[name]!).equals(bytes(out[name]!)),
          `${name} with ${run.constants.WORKGROUP_SIZE} lanes`,
        ).toBe(true);
    }
  });

  it.each(['mse', 'mae'] as const)('%s: NaN and ±Infinity reach the loss and dŷ as in tfjs', async (loss) => {
    const c = { samples: 4, outputs: 2, batchSize: 4, rows: 4, loss };
    const { data, expected } = setup(c, 5, true);
    const out = await runKernel(device, describeTrainerLoss(c, loss, adam), data);
    expect(relativeError(out.dPredictions!, expected.dPredictions)).toBeLessThan(TOLERANCE);
    expect(readProgress(out.progress!, 2).losses[1]).toBeNaN();
  });

  it('SGD leaves the β powers alone', async () => {
    const c = cases[2]!;
    const out = await runKernel(device, describeTrainerLoss(c, c.loss, { ...adam, type: 'sgd' }), setup(c, 1).data);
    expect(readProgress(out.progress!, 2)).toMatchObject({ fitStep: 4, accBeta1: Math.fround(0.81), accBeta2: 0.5 });
  });

  // SwiftShader runs 4 lanes in lockstep and switches at barriers: without the barrier, invocation 0
  // adds the partials before the other lanes wrote theirs.
  it('needs its barrier: removing it breaks the loss', async () => {
    const c = cases[3]!;
    const { data, expected } = setup(c, 9);
    const run = describeTrainerLoss(c, c.loss, adam);
    expect([...run.spec.code.matchAll(BARRIER)].map((m) => m[0])).toEqual(['workgroupBarrier();']);
    const loss = async (r: KernelRun) => readProgress((await runKernel(device, r, data)).progress!, 2).losses[1]! - 0.5;
    expect(Math.abs((await loss(run)) - expected.epochLoss) / expected.epochLoss).toBeLessThan(TOLERANCE);
    expect(Math.abs((await loss(withoutBarrier(run, 0))) - expected.epochLoss) / expected.epochLoss).toBeGreaterThan(
      TOLERANCE,
    );
  });
});
