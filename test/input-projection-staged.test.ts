import { describe, expect, it } from 'vitest';
import { dropoutMaskRef } from '../src/kernels/dropout-mask.ref.js';
import { describeInputProjectionStaged, stagedChunkFeatures } from '../src/kernels/input-projection-staged.js';
import { inputProjectionRef } from '../src/kernels/input-projection.ref.js';
import { sideLayout } from '../src/kernels/side-inputs.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { expectBothBarriersNeeded, expectChunksAndOrdersAlike, type RunOutput } from './helpers/staged-gemm.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 GEMM against float64, relative to the output's largest magnitude (as
// input-projection.test.ts).
const TOLERANCE = 1e-5;

interface Case {
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  /** 1 SimpleRNN, 3 GRU, 4 LSTM: columns = gates·units. */
  readonly gates: number;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  /** The input's dropout mask, at rate 0.3. */
  readonly dropout: boolean;
  /** strategy.gemmWorkgroup: the workgroup's lanes. */
  readonly gemm: readonly [number, number];
}

// Awkward sizes: one of everything; features past a chunk of 32 and not a whole one; rows and columns
// past a workgroup's 32 and not multiples of 4 (a tile straddling gates); lanes 1, odd and past a group.
const cases: Case[] = [
  {
    batch: 1,
    timesteps: 1,
    features: 1,
    units: 1,
    gates: 1,
    goBackwards: false,
    useBias: true,
    dropout: false,
    gemm: [1, 1],
  },
  {
    batch: 5,
    timesteps: 3,
    features: 1,
    units: 50,
    gates: 1,
    goBackwards: false,
    useBias: true,
    dropout: false,
    gemm: [8, 8],
  },
  {
    batch: 5,
    timesteps: 3,
    features: 3,
    units: 50,
    gates: 4,
    goBackwards: true,
    useBias: false,
    dropout: true,
    gemm: [8, 8],
  },
  {
    batch: 33,
    timesteps: 17,
    features: 33,
    units: 65,
    gates: 3,
    goBackwards: true,
    useBias: true,
    dropout: true,
    gemm: [4, 2],
  },
  {
    batch: 3,
    timesteps: 7,
    features: 70,
    units: 130,
    gates: 4,
    goBackwards: false,
    useBias: true,
    dropout: false,
    gemm: [16, 4],
  },
  {
    batch: 2,
    timesteps: 5,
    features: 13,
    units: 7,
    gates: 3,
    goBackwards: true,
    useBias: true,
    dropout: true,
    gemm: [3, 5],
  },
];

function setup(device: GPUDevice, c: Case, override: Partial<Strategy> = {}) {
  const rng = random(c.batch * 1000 + c.units + c.gates + c.features);
  const columns = c.gates * c.units;
  const x = uniform(c.batch * c.timesteps * c.features, 1, rng);
  const kernel = uniform(c.features * columns, 0.5, rng);
  const bias = uniform(columns, 0.5, rng);
  const mask = c.dropout ? dropoutMaskRef(c.batch, c.features, 0.3, c.features + 5) : null;
  const layout = sideLayout(
    {
      ...c,
      useInitialState: false,
      useInitialSaved: false,
      masking: null,
      inputDropout: c.dropout,
      recurrentDropout: false,
    },
    device.limits.minStorageBufferOffsetAlignment,
  );
  const side = new Float32Array(Math.max(layout.bytes / 4, 1));
  if (mask) side.set(mask, layout.inputDropout!.at);
  const traits = deviceTraits(device);
  const strategy = chooseStrategy(traits, c, { gemmWorkgroup: c.gemm, stagedGemms: true, ...override });
  return {
    run: describeInputProjectionStaged(c, { ...c, side: layout }, strategy, traits),
    data: { x, kernel, bias, side, gates: c.batch * c.timesteps * columns },
    expected: inputProjectionRef(x, kernel, c.useBias ? bias : null, c, c.goBackwards, mask),
  };
}

describe('input-projection-staged kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)(
    'B$batch T$timesteps F$features U$units G$gates back=$goBackwards bias=$useBias dropout=$dropout wg=$gemm',
    async (c) => {
      const { run, data, expected } = setup(device, c);
      const { gates } = await runKernel(device, run, data);
      expect(relativeError(gates!, expected)).toBeLessThan(TOLERANCE);
    },
  );

  const gates: RunOutput = async (run, data) => (await runKernel(device, run, data)).gates!;

  it('gives the same bits for any chunk size and workgroup order', async () => {
    await expectChunksAndOrdersAlike((o) => setup(device, cases[3]!, o), gates, 'CHUNK_FEATURES', 32, 7);
  });

  // 64 lanes: 16 of SwiftShader's groups of 4 (llvmpipe: 8 of 8), which switch only at barriers, over 70
  // features in chunks of 32. Without the barrier after staging, a group reads what others have not
  // staged yet; without the one before, a group stages the next chunk over what others still read.
  it('needs both barriers: without either, the sums are wrong', async () => {
    await expectBothBarriersNeeded((o) => setup(device, { ...cases[4]!, gemm: [8, 8] }, o), gates, TOLERANCE);
  });
});

describe('stagedChunkFeatures', () => {
  it.each([
    // 16·WY·(chunk + 1) + 16·WX·chunk bytes: [8, 8] 8,320 B for 32 features (the most) in 16 KiB.
    { gemm: [8, 8], storage: 16_384, features: 32 },
    // (16,384 − 64) / 1,088 = 15.0: 14, even
    { gemm: [64, 4], storage: 16_384, features: 14 },
    { gemm: [1, 1], storage: 48, features: 1 },
  ] as const)('gemmWorkgroup $gemm, $storage B: $features features', (c) => {
    expect(stagedChunkFeatures(c.gemm, { maxComputeWorkgroupStorageSize: c.storage })).toBe(c.features);
  });

  it('refuses a workgroup whose one feature does not fit, naming the strategy field and the limit', () => {
    expect(() => stagedChunkFeatures([256, 1], { maxComputeWorkgroupStorageSize: 4_096 })).toThrow(
      /strategy\.gemmWorkgroup \[256, 1\].*4128 bytes.*maxComputeWorkgroupStorageSize \(4096\)/,
    );
  });
});
