import { describe, expect, it } from 'vitest';
import { describeInputGradient } from '../src/kernels/input-gradient.js';
import { inputGradientRef } from '../src/kernels/input-gradient.ref.js';
import { chooseStrategy, deviceTraits } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 GEMM against float64, relative to the output's largest magnitude.
const TOLERANCE = 1e-5;

const cases = [
  { batch: 1, timesteps: 1, features: 1, units: 1, goBackwards: false, gemm: [4, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, goBackwards: true, gemm: [4, 1] },
  { batch: 33, timesteps: 17, features: 3, units: 65, goBackwards: false, gemm: [8, 8] },
  { batch: 3, timesteps: 7, features: 8, units: 130, goBackwards: true, gemm: [16, 4] },
  { batch: 2, timesteps: 5, features: 13, units: 7, goBackwards: true, gemm: [1, 1] },
] as const;

describe('input-gradient kernel vs reference', async () => {
  const device = await getDevice();
  it.each(cases)('B$batch T$timesteps F$features U$units back=$goBackwards wg=$gemm', async (c) => {
    const rng = random(c.batch * 131 + c.units);
    const dz = uniform(c.batch * c.timesteps * c.units, 1, rng);
    const kernel = uniform(c.features * c.units, 0.5, rng);
    const traits = deviceTraits(device);
    const strategy = chooseStrategy(traits, c, { gemmWorkgroup: c.gemm });
    const run = describeInputGradient(c, c, strategy, traits);
    const { dx } = await runKernel(device, run, { dz, kernel, dx: c.batch * c.timesteps * c.features });
    expect(relativeError(dx!, inputGradientRef(dz, kernel, c, c.goBackwards))).toBeLessThan(TOLERANCE);
  });
});
