import { describe, expect, it } from 'vitest';
import { deviceTraits, WORKGROUP_ORDERS } from '../src/kernels/strategy.js';
import { describeTrainerOptimizer, optimizerStates, type OptimizerConfig } from '../src/kernels/trainer-optimizer.js';
import { trainerOptimizerRef } from '../src/kernels/trainer-optimizer.ref.js';
import { resolveOptimizer } from '../src/trainer/optimizer-config.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes, progressData, u32Bits } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: one float32 update against float64, relative to each output's scale.
const TOLERANCE = 1e-5;
const adam = resolveOptimizer({ learningRate: 0.01 });
const sgd = resolveOptimizer({ type: 'sgd', learningRate: 0.1 });
const rmsprop = resolveOptimizer({ type: 'rmsprop', learningRate: 0.01 });
const momentum = resolveOptimizer({ type: 'rmsprop', learningRate: 0.01, momentum: 0.5, decay: 0.7 });
const momentum9 = resolveOptimizer({ type: 'rmsprop', learningRate: 0.01, momentum: 0.9, decay: 0 });
// The scales come from the test (trainer-clip.test.ts checks their computation); which scale each
// parameter takes is the optimizer's part.
const perTensor = (o: OptimizerConfig): OptimizerConfig => ({ ...o, clipNorm: 1 });
const global = (o: OptimizerConfig): OptimizerConfig => ({ ...o, globalClipNorm: 1 });

const cases: [parameters: number, name: string, optimizer: OptimizerConfig][] = [
  [1, 'adam', adam],
  [63, 'sgd', sgd],
  [2702, 'adam', adam],
  [4099, 'sgd', sgd],
  [
    20_011,
    'adam β 0.5, 0.75, ε 1e-3',
    resolveOptimizer({ learningRate: 0.01, beta1: 0.5, beta2: 0.75, epsilon: 1e-3 }),
  ],
  [1, 'rmsprop', rmsprop],
  [67, 'rmsprop momentum 0.5, decay 0.7', momentum],
  [2702, 'rmsprop momentum 0.9, decay 0', momentum9],
  [4099, 'rmsprop', rmsprop],
  [20_011, 'rmsprop momentum 0.9, decay 0', momentum9],
  [131, 'rmsprop, per-tensor scales', perTensor(rmsprop)],
  [4099, 'adam, per-tensor scales', perTensor(adam)],
  [2702, 'sgd, global scale', global(sgd)],
  [20_011, 'rmsprop momentum 0.9, per-tensor scales', perTensor(momentum9)],
];

/** Tensors starting at awkward places, a few with padding after them: the first parameters of each. */
function tensorStarts(n: number): number[] {
  const starts = [0];
  for (let next = 3, step = 5; next < n; next += step, step = step * 3 + 1) starts.push(next);
  return starts;
}

describe('trainer-optimizer kernel vs reference', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases)('%i parameters, %s', async (n, _, optimizer) => {
    const rng = random(n);
    const weights = uniform(n, 1, rng);
    const gradients = uniform(n, 3, rng);
    // Adam's m, v; RMSProp's ms, mom.
    const first = uniform(n, 0.5, rng);
    const second = uniform(n, 0.5, rng);
    const moments = Float32Array.from(
      optimizer.type === 'adam' ? [...first, ...second.map(Math.abs)] : [...first.map(Math.abs), ...second],
    ).subarray(0, optimizerStates(optimizer) * n);
    gradients.set([Number.NaN, Infinity].slice(0, Math.max(0, n - 1)), 1);
    const starts = tensorStarts(n);
    const scales = Float32Array.from(starts, () => 0.25 + rng());
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
      moments: moments.length > 0 ? moments : 4,
      tensorStarts: u32Bits(starts),
      clipScales: scales,
    };
    const expected = trainerOptimizerRef({ weights, gradients, moments }, optimizer, accBeta, {
      tensorStarts: starts,
      scales,
    });
    const runs = WORKGROUP_ORDERS.flatMap((workgroupOrder) =>
      [64, 1, 5].map((size) => describeTrainerOptimizer(n, starts.length, optimizer, { workgroupOrder }, traits, size)),
    );
    const out = await runKernel(device, runs[0]!, data);
    expect(relativeError(out.weights!, expected.weights), 'weights').toBeLessThan(TOLERANCE);
    expect(relativeError(out.moments!.subarray(0, expected.moments.length), expected.moments), 'state').toBeLessThan(
      TOLERANCE,
    );
    for (const run of runs.slice(1)) {
      const other = await runKernel(device, run, data);
      for (const name of ['weights', 'moments'])
        expect(bytes(other[name]!).equals(bytes(out[name]!)), `${name} with ${JSON.stringify(run.constants)}`).toBe(
          true,
        );
    }
  });
});
