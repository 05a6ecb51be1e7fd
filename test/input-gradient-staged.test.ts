import { describe, expect, it } from 'vitest';
import { dropoutMaskRef } from '../src/kernels/dropout-mask.ref.js';
import { describeInputGradientStaged, stagedChunkColumns } from '../src/kernels/input-gradient-staged.js';
import { inputGradientRef } from '../src/kernels/input-gradient.ref.js';
import { sideLayout } from '../src/kernels/side-inputs.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { expectBothBarriersNeeded, expectChunksAndOrdersAlike, type RunOutput } from './helpers/staged-gemm.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 GEMM against float64, relative to the output's largest magnitude (as
// input-gradient.test.ts).
const TOLERANCE = 1e-5;

// gradientBlocks > gates: a GRU with resetAfter keeps a block the input side must skip. Columns (gates·units)
// 1, past a chunk of 32 and not a whole one; rows and features past a workgroup's 32 and not multiples of 4;
// lanes 1, odd and past a group of 4 or 8.
const cases = [
  { batch: 1, timesteps: 1, features: 1, units: 1, gates: 1, blocks: 1, back: false, dropout: false, gemm: [1, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, gates: 1, blocks: 1, back: true, dropout: true, gemm: [8, 8] },
  { batch: 33, timesteps: 17, features: 37, units: 65, gates: 4, blocks: 4, back: false, dropout: true, gemm: [8, 8] },
  { batch: 3, timesteps: 7, features: 8, units: 130, gates: 3, blocks: 4, back: true, dropout: false, gemm: [16, 4] },
  { batch: 2, timesteps: 5, features: 13, units: 7, gates: 3, blocks: 3, back: true, dropout: true, gemm: [3, 5] },
  { batch: 9, timesteps: 4, features: 5, units: 11, gates: 4, blocks: 4, back: false, dropout: false, gemm: [4, 2] },
] as const;

type Case = (typeof cases)[number];

/** The case's kernel run, its inputs and the reference's dx; dropout: the input's mask at rate 0.4. */
function setup(device: GPUDevice, c: Case, strategy: Partial<Strategy> = {}) {
  const shape = { ...c, gradientBlocks: c.blocks };
  const rng = random(c.batch * 131 + c.units + c.blocks + c.features);
  const dGates = uniform(c.batch * c.timesteps * c.blocks * c.units, 1, rng);
  const kernel = uniform(c.features * c.gates * c.units, 0.5, rng);
  const mask = c.dropout ? dropoutMaskRef(c.batch, c.features, 0.4, c.units) : null;
  const side = sideLayout(
    {
      ...shape,
      useInitialState: false,
      useInitialSaved: false,
      masking: null,
      inputDropout: c.dropout,
      recurrentDropout: false,
    },
    device.limits.minStorageBufferOffsetAlignment,
  );
  const sideData = new Float32Array(Math.max(side.bytes / 4, 1));
  if (mask) sideData.set(mask, side.inputDropout!.at);
  const traits = deviceTraits(device);
  const resolved = chooseStrategy(traits, shape, {
    gemmWorkgroup: c.gemm,
    stagedGemms: true,
    inputGradientSlices: 1,
    ...strategy,
  });
  return {
    run: describeInputGradientStaged(shape, { goBackwards: c.back, side }, resolved, traits),
    data: { dGates, kernel, side: sideData, dx: c.batch * c.timesteps * c.features },
    expected: inputGradientRef(dGates, kernel, shape, c.back, mask),
  };
}

describe('input-gradient-staged kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)(
    'B$batch T$timesteps F$features U$units G$gates/$blocks back=$back dropout=$dropout wg=$gemm',
    async (c) => {
      const { run, data, expected } = setup(device, c);
      const { dx } = await runKernel(device, run, data);
      expect(relativeError(dx!, expected)).toBeLessThan(TOLERANCE);
    },
  );

  const dx: RunOutput = async (run, data) => (await runKernel(device, run, data)).dx!;

  it('gives the same bits for any chunk size and workgroup order', async () => {
    await expectChunksAndOrdersAlike((o) => setup(device, cases[2], o), dx, 'CHUNK_COLUMNS', 32, 6);
  });

  // 64 lanes: 16 of SwiftShader's groups of 4 (llvmpipe: 8 of 8), which switch only at barriers, over 260
  // columns in chunks of 32. Without the barrier after staging, a group reads what others have not staged
  // yet; without the one before, a group stages the next chunk over what others still read.
  it('needs both barriers: without either, the sums are wrong', async () => {
    await expectBothBarriersNeeded((o) => setup(device, cases[2], o), dx, TOLERANCE);
  });

  it('refuses split tiles: the staged kernel sums a tile in one lane', () => {
    expect(() => setup(device, cases[0], { inputGradientSlices: 4 })).toThrow(
      /strategy\.inputGradientSlices: the staged input gradient takes 1; got 4/,
    );
  });
});

describe('stagedChunkColumns', () => {
  it.each([
    // 16·(WX + WY)·(chunk + 1) bytes: [8, 8] 8,448 B for 32 columns (the most) in 16 KiB.
    { gemm: [8, 8], storage: 16_384, columns: 32 },
    // 16,384 / 1,088 = 15.06, less one for the padding: 14
    { gemm: [64, 4], storage: 16_384, columns: 14 },
    { gemm: [1, 1], storage: 64, columns: 1 },
  ] as const)('gemmWorkgroup $gemm, $storage B: $columns columns', (c) => {
    expect(stagedChunkColumns(c.gemm, { maxComputeWorkgroupStorageSize: c.storage })).toBe(c.columns);
  });

  it('refuses a workgroup whose one column does not fit, naming the strategy field and the limit', () => {
    expect(() => stagedChunkColumns([256, 1], { maxComputeWorkgroupStorageSize: 4_096 })).toThrow(
      /strategy\.gemmWorkgroup \[256, 1\].*8224 bytes.*maxComputeWorkgroupStorageSize \(4096\)/,
    );
  });
});
