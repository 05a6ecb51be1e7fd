import { describe, expect, it } from 'vitest';
import { describeInputGradient } from '../src/kernels/input-gradient.js';
import { inputGradientRef } from '../src/kernels/input-gradient.ref.js';
import { chooseStrategy, deviceTraits } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 GEMM against float64, relative to the output's largest magnitude.
const TOLERANCE = 1e-5;

// gradientBlocks > gates: a GRU with resetAfter keeps a block the input side must skip.
const cases = [
  { batch: 1, timesteps: 1, features: 1, units: 1, gates: 1, gradientBlocks: 1, goBackwards: false, gemm: [4, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, gates: 1, gradientBlocks: 1, goBackwards: true, gemm: [4, 1] },
  { batch: 33, timesteps: 17, features: 3, units: 65, gates: 4, gradientBlocks: 4, goBackwards: false, gemm: [8, 8] },
  { batch: 3, timesteps: 7, features: 8, units: 130, gates: 3, gradientBlocks: 4, goBackwards: true, gemm: [16, 4] },
  { batch: 2, timesteps: 5, features: 13, units: 7, gates: 3, gradientBlocks: 3, goBackwards: true, gemm: [1, 1] },
] as const;

describe('input-gradient kernel vs reference', async () => {
  const device = await getDevice();
  it.each(cases)(
    'B$batch T$timesteps F$features U$units G$gates/$gradientBlocks back=$goBackwards wg=$gemm',
    async (c) => {
      const rng = random(c.batch * 131 + c.units + c.gradientBlocks);
      const dGates = uniform(c.batch * c.timesteps * c.gradientBlocks * c.units, 1, rng);
      const kernel = uniform(c.features * c.gates * c.units, 0.5, rng);
      const traits = deviceTraits(device);
      const strategy = chooseStrategy(traits, c, { gemmWorkgroup: c.gemm });
      const run = describeInputGradient(c, c, strategy, traits);
      const { dx } = await runKernel(device, run, { dGates, kernel, dx: c.batch * c.timesteps * c.features });
      expect(relativeError(dx!, inputGradientRef(dGates, kernel, c, c.goBackwards))).toBeLessThan(TOLERANCE);
    },
  );
});
