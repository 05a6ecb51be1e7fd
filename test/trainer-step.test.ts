import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/kernels/activation.js';
import { describeTrainerPredict, describeTrainerStep } from '../src/kernels/trainer-step.js';
import { trainerStepRef } from '../src/kernels/trainer-step.ref.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { progressData, randomWeights, u32Bits } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 against the float64 reference, relative to each output's largest magnitude.
const TOLERANCE = 1e-5;

// samples, batchSize and the step decide which rows the batch holds (the last batch of an epoch is short).
const cases: { samples: number; batchSize: number; fitStep: number; timesteps: number; features: number; units: number; outputs: number; activation: Activation; workgroup: number }[] = [
  { samples: 5, batchSize: 5, fitStep: 0, timesteps: 3, features: 1, units: 50, outputs: 2, activation: 'relu', workgroup: 4 },
  { samples: 5, batchSize: 2, fitStep: 2, timesteps: 3, features: 1, units: 50, outputs: 2, activation: 'relu', workgroup: 4 },
  { samples: 11, batchSize: 7, fitStep: 3, timesteps: 1, features: 3, units: 1, outputs: 1, activation: 'tanh', workgroup: 1 },
  { samples: 9, batchSize: 9, fitStep: 1, timesteps: 4, features: 2, units: 65, outputs: 5, activation: 'gelu', workgroup: 64 },
  { samples: 6, batchSize: 4, fitStep: 5, timesteps: 2, features: 5, units: 6, outputs: 3, activation: 'softsign', workgroup: 8 },
];

describe('trainer-step kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)('N$samples batch $batchSize step $fitStep T$timesteps F$features U$units O$outputs $activation', async (c) => {
    const rng = random(c.samples * 31 + c.units);
    const x = uniform(c.samples * c.timesteps * c.features, 1, rng);
    const y = uniform(c.samples * c.outputs, 1, rng);
    const w = randomWeights(c.features, c.units, c.outputs, rng);
    const stepsPerEpoch = Math.ceil(c.samples / c.batchSize);
    const epoch = Math.floor(c.fitStep / stepsPerEpoch);
    const firstEpoch = epoch; // the submission starts at this epoch: row 0 of `order`
    const order = Array.from({ length: c.samples }, (_, i) => (i * 7 + 3) % c.samples);
    const offset = (c.fitStep % stepsPerEpoch) * c.batchSize;
    const rows = order.slice(offset, offset + c.batchSize);
    const parity = c.fitStep % 2;
    const slot = { iterations: 40, fitStep: c.fitStep, accBeta1: 0.5, accBeta2: 0.9 };
    const run = describeTrainerStep({ ...c }, c.activation, c.workgroup);
    const progress = progressData(parity ? [slot, slot] : [slot, { ...slot, fitStep: 999 }], firstEpoch, [0]);
    const size = c.batchSize * c.timesteps * c.units;
    const out = await runKernel(device, { ...run, dispatches: [run.dispatches[parity]!] }, {
      progress, order: u32Bits(order), x, y, weights: w.flat, activations: 2 * size, dz: size, outputs: c.batchSize * c.outputs,
    });
    const expected = trainerStepRef(c, w, x, y, rows);
    const n = rows.length * c.timesteps * c.units;
    expect(relativeError(out.activations!.subarray(0, n), expected.h), 'h').toBeLessThan(TOLERANCE);
    expect(relativeError(out.activations!.subarray(size, size + n), expected.z), 'z').toBeLessThan(TOLERANCE);
    expect(relativeError(out.outputs!.subarray(0, rows.length * c.outputs), expected.e), 'e = ŷ − y').toBeLessThan(TOLERANCE);
    expect(relativeError(out.dz!.subarray(0, n), expected.dz), 'dz').toBeLessThan(TOLERANCE);
  });

  it.each(cases.slice(0, 3))('predicts every sample, N$samples in batches of $batchSize', async (c) => {
    const rng = random(c.samples * 17 + 1);
    const x = uniform(c.samples * c.timesteps * c.features, 1, rng);
    const w = randomWeights(c.features, c.units, c.outputs, rng);
    const size = c.batchSize * c.timesteps * c.units;
    const slot = { iterations: 0, fitStep: 0, accBeta1: 0.9, accBeta2: 0.999 };
    const out = await runKernel(device, describeTrainerPredict({ ...c }, c.activation, c.workgroup), {
      progress: progressData([slot, slot], 0, [0]), x, weights: w.flat, activations: 2 * size, dz: size, outputs: c.samples * c.outputs,
    });
    const all = Array.from({ length: c.samples }, (_, i) => i);
    const expected = trainerStepRef(c, w, x, new Float32Array(c.samples * c.outputs), all).e; // ŷ − 0
    expect(relativeError(out.outputs!, expected)).toBeLessThan(TOLERANCE);
  });
});
