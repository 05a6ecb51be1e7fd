import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/kernels/activation.js';
import { describeRecurrenceBackward } from '../src/kernels/recurrence-backward.js';
import { recurrenceBackwardRef } from '../src/kernels/recurrence-backward.ref.js';
import { recurrenceForwardRef } from '../src/kernels/recurrence-forward.ref.js';
import { expandLastStep } from '../src/kernels/simple-rnn.ref.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 against float64, relative to each output's largest magnitude.
const TOLERANCE = 1e-5;

const persistent: Partial<Strategy> = { recurrence: 'persistent', weightsInWorkgroup: false, recurrenceWorkgroupSize: 4 };
const staged: Partial<Strategy> = { recurrence: 'persistent', weightsInWorkgroup: true, recurrenceWorkgroupSize: 32 };
const stepwise: Partial<Strategy> = { recurrence: 'stepwise', recurrenceWorkgroupSize: 16 };

const cases: { batch: number; timesteps: number; units: number; activation: Activation; strategy: Partial<Strategy> }[] = [
  { batch: 1, timesteps: 1, units: 1, activation: 'tanh', strategy: persistent },
  { batch: 5, timesteps: 3, units: 50, activation: 'relu', strategy: persistent },
  { batch: 5, timesteps: 3, units: 50, activation: 'softplus', strategy: stepwise },
  { batch: 5, timesteps: 3, units: 50, activation: 'mish', strategy: staged },
  { batch: 33, timesteps: 17, units: 65, activation: 'tanh', strategy: persistent },
  { batch: 2, timesteps: 4, units: 257, activation: 'selu', strategy: stepwise },
  { batch: 6, timesteps: 2, units: 2, activation: 'swish', strategy: { ...persistent, recurrenceWorkgroupSize: 1 } },
];

describe('recurrence-backward kernel vs reference', async () => {
  const device = await getDevice();
  it.each(cases)('B$batch T$timesteps U$units $activation %o', async (c) => {
    const shape = { ...c, features: 1 };
    const rng = random(c.batch * 104729 + c.units);
    const size = c.batch * c.timesteps * c.units;
    const recurrentKernel = uniform(c.units * c.units, 1 / Math.sqrt(c.units), rng);
    const forward = recurrenceForwardRef(uniform(size, 1, rng), recurrentKernel, null, shape, c.activation);
    const z = Float32Array.from(forward.z);
    const h = Float32Array.from(forward.h);
    // Every other case takes the gradient of the last state only, [batch, units].
    const lastStepOnly = cases.indexOf(c) % 2 === 1;
    const dhLast = uniform(c.batch * c.units, 1, rng);
    const dh = lastStepOnly ? Float32Array.from(expandLastStep(dhLast, c.batch, c.timesteps, c.units)) : uniform(size, 1, rng);
    const strategy = chooseStrategy(deviceTraits(device), shape, c.strategy);
    const run = describeRecurrenceBackward(shape, { activation: c.activation, lastStepOnly }, strategy);
    const out = await runKernel(device, run, { dh: lastStepOnly ? dhLast : dh, z, h, recurrentKernel, dz: size, dInitialState: c.batch * c.units });
    const expected = recurrenceBackwardRef(dh, z, h, recurrentKernel, shape, c.activation);
    expect(relativeError(out.dz!, expected.dz)).toBeLessThan(TOLERANCE);
    expect(relativeError(out.dInitialState!, expected.dInitialState)).toBeLessThan(TOLERANCE);
  });
});
