import { describe, expect, it } from 'vitest';
import { deviceTraits, WORKGROUP_ORDERS } from '../src/kernels/strategy.js';
import { describeTrainerOptimizer, type OptimizerConfig } from '../src/kernels/trainer-optimizer.js';
import { trainerOptimizerRef } from '../src/kernels/trainer-optimizer.ref.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes, progressData } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: one float32 update against float64, relative to each output's scale.
const TOLERANCE = 1e-5;
const adam: OptimizerConfig = { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
const sgd: OptimizerConfig = { ...adam, type: 'sgd', learningRate: 0.1 };

const cases: [number, OptimizerConfig][] = [
  [1, adam],
  [63, sgd],
  [2702, adam],
  [4099, sgd],
  [20_011, { ...adam, beta1: 0.5, beta2: 0.75, epsilon: 1e-3 }],
];

describe('trainer-optimizer kernel vs reference', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases)('%i parameters, %o', async (n, optimizer) => {
    const rng = random(n);
    const weights = uniform(n, 1, rng);
    const gradients = uniform(n, 3, rng);
    const m = uniform(n, 0.5, rng);
    const v = Float32Array.from(uniform(n, 1, rng), Math.abs);
    gradients.set([Number.NaN, Infinity].slice(0, Math.max(0, n - 1)), 1);
    const accBeta = { beta1: Math.fround(optimizer.beta1 ** 3), beta2: Math.fround(optimizer.beta2 ** 3) };
    const data = {
      progress: progressData({
        fitStep: 3,
        firstEpoch: 0,
        accBeta1: accBeta.beta1,
        accBeta2: accBeta.beta2,
        losses: [0],
      }),
      gradients,
      weights,
      moments: Float32Array.from([...m, ...v]),
    };
    const expected = trainerOptimizerRef({ weights, gradients, m, v }, optimizer, accBeta);
    const runs = WORKGROUP_ORDERS.flatMap((workgroupOrder) =>
      [64, 1, 5].map((size) => describeTrainerOptimizer(n, optimizer, { workgroupOrder }, traits, size)),
    );
    const out = await runKernel(device, runs[0]!, data);
    expect(relativeError(out.weights!, expected.weights), 'weights').toBeLessThan(TOLERANCE);
    if (optimizer.type === 'adam') {
      expect(relativeError(out.moments!.subarray(0, n), expected.m), 'm').toBeLessThan(TOLERANCE);
      expect(relativeError(out.moments!.subarray(n), expected.v), 'v').toBeLessThan(TOLERANCE);
    }
    for (const run of runs.slice(1)) {
      const other = await runKernel(device, run, data);
      for (const name of ['weights', 'moments'])
        expect(bytes(other[name]!).equals(bytes(out[name]!)), `${name} with ${JSON.stringify(run.constants)}`).toBe(
          true,
        );
    }
  });
});
