import { describe, expect, it } from 'vitest';
import { describeInputGradient } from '../src/kernels/input-gradient.js';
import { inputGradientRef } from '../src/kernels/input-gradient.ref.js';
import { dropoutMaskRef } from '../src/kernels/dropout-mask.ref.js';
import { sideLayout } from '../src/kernels/side-inputs.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { BARRIER, withoutBarrier } from './helpers/barriers.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 GEMM against float64, relative to the output's largest magnitude.
const TOLERANCE = 1e-5;

// gradientBlocks > gates: a GRU with resetAfter keeps a block the input side must skip. slices: lanes
// splitting a tile's reduction (1: an invocation per tile, in workgroups of gemm tiles), with columns
// (gates·units) past a whole number of runs of 4, fewer runs than lanes, rows and features past a tile.
const cases = [
  { batch: 1, timesteps: 1, features: 1, units: 1, gates: 1, blocks: 1, back: false, gemm: [4, 1], slices: 1 },
  { batch: 5, timesteps: 3, features: 1, units: 50, gates: 1, blocks: 1, back: true, gemm: [4, 1], slices: 1 },
  { batch: 33, timesteps: 17, features: 3, units: 65, gates: 4, blocks: 4, back: false, gemm: [8, 8], slices: 1 },
  { batch: 3, timesteps: 7, features: 8, units: 130, gates: 3, blocks: 4, back: true, gemm: [16, 4], slices: 1 },
  { batch: 2, timesteps: 5, features: 13, units: 7, gates: 3, blocks: 3, back: true, gemm: [1, 1], slices: 1 },
  { batch: 1, timesteps: 1, features: 1, units: 1, gates: 1, blocks: 1, back: false, gemm: [8, 8], slices: 2 },
  { batch: 5, timesteps: 3, features: 1, units: 50, gates: 1, blocks: 1, back: true, gemm: [8, 8], slices: 7 },
  { batch: 3, timesteps: 7, features: 8, units: 130, gates: 3, blocks: 4, back: true, gemm: [8, 8], slices: 64 },
  { batch: 2, timesteps: 5, features: 13, units: 7, gates: 3, blocks: 3, back: false, gemm: [8, 8], slices: 16 },
  { batch: 8, timesteps: 4, features: 5, units: 257, gates: 4, blocks: 4, back: true, gemm: [8, 8], slices: 32 },
] as const;

type Case = (typeof cases)[number];

/** The case's kernel run, its inputs and the reference's dx; dropout: the input's mask at rate 0.4. */
function setup(device: GPUDevice, c: Case, dropout: boolean, strategy: Partial<Strategy> = {}) {
  const shape = { ...c, gradientBlocks: c.blocks };
  const rng = random(c.batch * 131 + c.units + c.blocks + c.slices);
  const dGates = uniform(c.batch * c.timesteps * c.blocks * c.units, 1, rng);
  const kernel = uniform(c.features * c.gates * c.units, 0.5, rng);
  const mask = dropout ? dropoutMaskRef(c.batch, c.features, 0.4, c.units) : null;
  const side = sideLayout(
    {
      ...shape,
      useInitialState: false,
      useInitialSaved: false,
      masking: null,
      inputDropout: dropout,
      recurrentDropout: false,
    },
    device.limits.minStorageBufferOffsetAlignment,
  );
  const sideData = new Float32Array(Math.max(side.bytes / 4, 1));
  if (mask) sideData.set(mask, side.inputDropout!.at);
  const traits = deviceTraits(device);
  const resolved = chooseStrategy(traits, shape, { gemmWorkgroup: c.gemm, inputGradientSlices: c.slices, ...strategy });
  return {
    run: describeInputGradient(shape, { goBackwards: c.back, side }, resolved, traits),
    data: { dGates, kernel, side: sideData, dx: c.batch * c.timesteps * c.features },
    expected: inputGradientRef(dGates, kernel, shape, c.back, mask),
  };
}

describe('input-gradient kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases.flatMap((c, i) => [false, true].map((dropout) => ({ ...c, dropout, i }))))(
    'B$batch T$timesteps F$features U$units G$gates/$blocks back=$back wg=$gemm slices=$slices dropout=$dropout',
    async ({ dropout, i }) => {
      const { run, data, expected } = setup(device, cases[i]!, dropout);
      const { dx } = await runKernel(device, run, data);
      expect(relativeError(dx!, expected)).toBeLessThan(TOLERANCE);
    },
  );

  it('a tile split over lanes gives the same bits in any workgroup order', async () => {
    const results = [];
    for (const workgroupOrder of ['natural', 'reversed', 'interleaved'] as const) {
      const { run, data } = setup(device, cases[9], true, { workgroupOrder });
      results.push(Buffer.from((await runKernel(device, run, data)).dx!.buffer));
    }
    expect(results[1]!.equals(results[0]!), 'reversed').toBe(true);
    expect(results[2]!.equals(results[0]!), 'interleaved').toBe(true);
  });

  // 64 lanes: 16 of SwiftShader's groups of 4 (llvmpipe: 8 of 8), which switch only at barriers; without the
  // barrier the first lanes, adding the slices up, read slices other groups have not written yet.
  it('needs its barrier: without it, split tiles are wrong', async () => {
    const { run, data, expected } = setup(device, cases[7], false);
    expect([...run.spec.code.matchAll(BARRIER)].map((m) => m[0])).toEqual(['workgroupBarrier();']);
    expect(relativeError((await runKernel(device, run, data)).dx!, expected), 'intact').toBeLessThan(TOLERANCE);
    const { dx } = await runKernel(device, withoutBarrier(run, 0), data);
    expect(relativeError(dx!, expected), 'without the barrier').not.toBeLessThan(TOLERANCE);
  });
});
