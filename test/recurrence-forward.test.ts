import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/kernels/activation.js';
import { describeRecurrenceForward } from '../src/kernels/recurrence-forward.js';
import { recurrenceForwardRef } from '../src/kernels/recurrence-forward.ref.js';
import { lastStates } from '../src/kernels/simple-rnn.ref.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 against float64, relative to each output's largest magnitude.
const TOLERANCE = 1e-5;

const persistent: Partial<Strategy> = { recurrence: 'persistent', weightsInWorkgroup: false, recurrenceWorkgroupSize: 4 };
const staged: Partial<Strategy> = { recurrence: 'persistent', weightsInWorkgroup: true, recurrenceWorkgroupSize: 64 };
const stepwise: Partial<Strategy> = { recurrence: 'stepwise', recurrenceWorkgroupSize: 16 };

const cases: { batch: number; timesteps: number; units: number; activation: Activation; initial: boolean; strategy: Partial<Strategy> }[] = [
  { batch: 1, timesteps: 1, units: 1, activation: 'tanh', initial: false, strategy: persistent },
  { batch: 5, timesteps: 3, units: 50, activation: 'relu', initial: false, strategy: persistent },
  { batch: 5, timesteps: 3, units: 50, activation: 'relu', initial: true, strategy: stepwise },
  { batch: 5, timesteps: 3, units: 50, activation: 'sigmoid', initial: true, strategy: staged },
  { batch: 33, timesteps: 17, units: 65, activation: 'tanh', initial: true, strategy: persistent },
  { batch: 2, timesteps: 4, units: 257, activation: 'elu', initial: true, strategy: stepwise },
  { batch: 6, timesteps: 2, units: 2, activation: 'gelu', initial: false, strategy: { ...persistent, recurrenceWorkgroupSize: 1 } },
];

describe('recurrence-forward kernel vs reference', async () => {
  const device = await getDevice();
  it.each(cases)('B$batch T$timesteps U$units $activation initial=$initial %o', async (c) => {
    const shape = { ...c, features: 1 };
    const rng = random(c.batch * 7919 + c.units);
    const projection = uniform(c.batch * c.timesteps * c.units, 1, rng);
    const recurrentKernel = uniform(c.units * c.units, 1 / Math.sqrt(c.units), rng);
    const initialState = uniform(c.batch * c.units, 1, rng);
    const strategy = chooseStrategy(deviceTraits(device), shape, c.strategy);
    // Every other case also writes the last state on its own.
    const writeLast = cases.indexOf(c) % 2 === 1;
    const run = describeRecurrenceForward(shape, { activation: c.activation, useInitialState: c.initial, writeLast }, strategy);
    const out = await runKernel(device, run, { z: projection, recurrentKernel, initialState, h: projection.length, last: c.batch * c.units });
    const expected = recurrenceForwardRef(projection, recurrentKernel, c.initial ? initialState : null, shape, c.activation);
    expect(relativeError(out.z!, expected.z)).toBeLessThan(TOLERANCE);
    expect(relativeError(out.h!, expected.h)).toBeLessThan(TOLERANCE);
    if (writeLast) expect(relativeError(out.last!, lastStates(expected.h, c.batch, c.timesteps, c.units))).toBeLessThan(TOLERANCE);
    else expect(out.last).toEqual(new Float32Array(c.batch * c.units));
  });
});
