import { describe, expect, it } from 'vitest';
import { describeTrainerUpdate } from '../src/kernels/trainer-update.js';
import { trainerStepRef } from '../src/kernels/trainer-step.ref.js';
import { adamRef, lossTermRef, trainerGradientsRef } from '../src/kernels/trainer-update.ref.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { progressData, randomWeights, readSlot, u32Bits } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerances, relative to each output's largest magnitude: the moments are float32 sums against
// float64; the weights move by lr-sized steps, so their error is judged on the step itself.
const TOLERANCE = 1e-5;

const adam = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

const cases = [
  { samples: 5, batchSize: 5, fitStep: 0, timesteps: 3, features: 1, units: 50, outputs: 2, workgroup: 4 },
  { samples: 5, batchSize: 2, fitStep: 5, timesteps: 3, features: 1, units: 50, outputs: 2, workgroup: 4 },
  { samples: 11, batchSize: 7, fitStep: 3, timesteps: 1, features: 3, units: 1, outputs: 1, workgroup: 1 },
  { samples: 9, batchSize: 9, fitStep: 1, timesteps: 4, features: 2, units: 65, outputs: 5, workgroup: 64 },
  { samples: 6, batchSize: 4, fitStep: 4, timesteps: 2, features: 5, units: 6, outputs: 3, workgroup: 8 },
];

describe('trainer-update kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)('N$samples batch $batchSize step $fitStep T$timesteps F$features U$units O$outputs', async (c) => {
    const shape = { ...c, activation: 'tanh' as const };
    const rng = random(c.samples * 13 + c.units);
    const x = uniform(c.samples * c.timesteps * c.features, 1, rng);
    const y = uniform(c.samples * c.outputs, 1, rng);
    const w = randomWeights(c.features, c.units, c.outputs, rng);
    const stepsPerEpoch = Math.ceil(c.samples / c.batchSize);
    const epoch = Math.floor(c.fitStep / stepsPerEpoch);
    const firstEpoch = Math.max(0, epoch - 1); // `order` holds two epochs; this batch is in the second when epoch > 0
    const orders = [0, 1].flatMap((e) => Array.from({ length: c.samples }, (_, i) => (i * (5 + 2 * e) + 1) % c.samples));
    const offset = (epoch - firstEpoch) * c.samples + (c.fitStep % stepsPerEpoch) * c.batchSize;
    const rows = orders.slice(offset, offset + Math.min(c.batchSize, c.samples - (c.fitStep % stepsPerEpoch) * c.batchSize));
    const step = trainerStepRef(shape, w, x, y, rows);
    const size = c.batchSize * c.timesteps * c.units;
    const activations = new Float32Array(2 * size);
    activations.set(step.h);
    activations.set(step.z, size);
    const dz = new Float32Array(size);
    dz.set(step.dz);
    const errors = new Float32Array(c.batchSize * c.outputs);
    errors.set(step.e);
    const m = uniform(w.flat.length, 0.01, rng);
    const v = Float32Array.from(uniform(w.flat.length, 0.01, rng), Math.abs);
    const parity = c.fitStep % 2;
    const slot = { iterations: 7, fitStep: c.fitStep, accBeta1: 0.9 ** 8, accBeta2: 0.999 ** 8 };
    const losses = [0.25, 0.5];
    const run = describeTrainerUpdate(c, adam, c.workgroup);
    const out = await runKernel(device, { ...run, dispatches: [run.dispatches[parity]!] }, {
      progress: progressData(parity ? [{ ...slot, fitStep: 999 }, slot] : [slot, { ...slot, fitStep: 999 }], firstEpoch, losses),
      order: u32Bits(orders),
      x,
      activations,
      dz,
      errors,
      weights: w.flat,
      moments: Float32Array.from([...m, ...v]),
    });

    const g = trainerGradientsRef(shape, x, rows, step);
    const flat = [...g.kernel, ...g.recurrentKernel, ...g.bias, ...g.denseKernel, ...g.denseBias] as number[];
    const weights = Float64Array.from(w.flat);
    const moments = [Float64Array.from(m), Float64Array.from(v)] as const;
    const next = adamRef(weights, moments[0], moments[1], flat, adam, slot);
    const P = w.flat.length;
    expect(relativeError(out.moments!.subarray(0, P), moments[0]), 'm').toBeLessThan(TOLERANCE);
    expect(relativeError(out.moments!.subarray(P), moments[1]), 'v').toBeLessThan(TOLERANCE);
    const moved = (a: ArrayLike<number>) => Array.from(a, (value, i) => value - w.flat[i]!);
    expect(relativeError(moved(out.weights!), moved(weights)), 'weight step').toBeLessThan(1e-4);
    expect(readSlot(out.progress!, 1 - parity)).toEqual({
      iterations: 8,
      fitStep: c.fitStep + 1,
      accBeta1: Math.fround(Math.fround(slot.accBeta1) * Math.fround(adam.beta1)),
      accBeta2: Math.fround(Math.fround(slot.accBeta2) * Math.fround(adam.beta2)),
    });
    const loss = [...losses];
    loss[epoch - firstEpoch] = loss[epoch - firstEpoch]! + lossTermRef(step.e, c.outputs, c.samples);
    expect(relativeError(out.progress!.subarray(9), loss), 'losses').toBeLessThan(TOLERANCE);
  });
});
