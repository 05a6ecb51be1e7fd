import { describe, expect, it } from 'vitest';
import { describeInputProjection } from '../src/kernels/input-projection.js';
import { inputProjectionRef } from '../src/kernels/input-projection.ref.js';
import { chooseStrategy, deviceTraits } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 GEMM against float64, relative to the output's largest magnitude.
const TOLERANCE = 1e-5;

// gates: 1 SimpleRNN, 3 GRU, 4 LSTM (columns = gates·units, so a tile of 4 columns straddles gates
// when units is not a multiple of 4).
const cases = [
  { batch: 1, timesteps: 1, features: 1, units: 1, gates: 1, goBackwards: false, useBias: true, gemm: [4, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, gates: 1, goBackwards: false, useBias: true, gemm: [4, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, gates: 4, goBackwards: true, useBias: false, gemm: [8, 8] },
  { batch: 33, timesteps: 17, features: 3, units: 65, gates: 3, goBackwards: true, useBias: true, gemm: [4, 1] },
  { batch: 3, timesteps: 7, features: 8, units: 130, gates: 4, goBackwards: false, useBias: true, gemm: [16, 4] },
  { batch: 2, timesteps: 5, features: 13, units: 7, gates: 3, goBackwards: true, useBias: true, gemm: [1, 1] },
] as const;

describe('input-projection kernel vs reference', async () => {
  const device = await getDevice();
  it.each(cases)(
    'B$batch T$timesteps F$features U$units G$gates back=$goBackwards bias=$useBias wg=$gemm',
    async (c) => {
      const rng = random(c.batch * 1000 + c.units + c.gates);
      const columns = c.gates * c.units;
      const x = uniform(c.batch * c.timesteps * c.features, 1, rng);
      const kernel = uniform(c.features * columns, 0.5, rng);
      const bias = uniform(columns, 0.5, rng);
      const traits = deviceTraits(device);
      const strategy = chooseStrategy(traits, c, { gemmWorkgroup: c.gemm });
      const run = describeInputProjection(c, c, strategy, traits);
      const { gates } = await runKernel(device, run, { x, kernel, bias, gates: c.batch * c.timesteps * columns });
      const expected = inputProjectionRef(x, kernel, c.useBias ? bias : null, c, c.goBackwards);
      expect(relativeError(gates!, expected)).toBeLessThan(TOLERANCE);
    },
  );
});
