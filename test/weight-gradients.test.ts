import { describe, expect, it } from 'vitest';
import { chooseStrategy, deviceTraits } from '../src/kernels/strategy.js';
import { describeWeightGradients } from '../src/kernels/weight-gradients.js';
import { weightGradientsRef } from '../src/kernels/weight-gradients.ref.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 sums over batch·timesteps rows against float64, relative to each output's
// largest magnitude.
const TOLERANCE = 1e-5;

const cases = [
  { batch: 1, timesteps: 1, features: 1, units: 1, goBackwards: false, useBias: true, useInitialState: false, gemm: [4, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, goBackwards: false, useBias: true, useInitialState: false, gemm: [4, 1] },
  { batch: 5, timesteps: 3, features: 3, units: 50, goBackwards: true, useBias: false, useInitialState: true, gemm: [8, 8] },
  { batch: 33, timesteps: 17, features: 8, units: 65, goBackwards: true, useBias: true, useInitialState: true, gemm: [4, 1] },
  { batch: 3, timesteps: 5, features: 5, units: 130, goBackwards: false, useBias: true, useInitialState: true, gemm: [16, 4] },
  { batch: 7, timesteps: 2, features: 13, units: 6, goBackwards: true, useBias: true, useInitialState: false, gemm: [1, 1] },
] as const;

describe('weight-gradients kernel vs reference', async () => {
  const device = await getDevice();
  it.each(cases)('B$batch T$timesteps F$features U$units back=$goBackwards bias=$useBias initial=$useInitialState wg=$gemm', async (c) => {
    const rng = random(c.batch * 31 + c.units * 17 + c.features);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const x = uniform(B * T * F, 1, rng);
    const h = uniform(B * T * U, 1, rng);
    const initialState = uniform(B * U, 1, rng);
    const dz = uniform(B * T * U, 1, rng);
    const strategy = chooseStrategy(deviceTraits(device), c, { gemmWorkgroup: c.gemm });
    const run = describeWeightGradients(c, c, strategy);
    const out = await runKernel(device, run, { x, h, initialState, dz, dKernel: F * U, dRecurrentKernel: U * U, dBias: U });
    const expected = weightGradientsRef(x, h, c.useInitialState ? initialState : null, dz, c, c.goBackwards);
    expect(relativeError(out.dKernel!, expected.dKernel)).toBeLessThan(TOLERANCE);
    expect(relativeError(out.dRecurrentKernel!, expected.dRecurrentKernel)).toBeLessThan(TOLERANCE);
    if (c.useBias) expect(relativeError(out.dBias!, expected.dBias)).toBeLessThan(TOLERANCE);
    else expect(out.dBias).toEqual(new Float32Array(U));
  });
});
