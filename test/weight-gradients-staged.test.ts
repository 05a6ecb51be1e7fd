import { describe, expect, it } from 'vitest';
import type { KernelRun } from '../src/gpu/kernel.js';
import type { SideLayout } from '../src/kernels/side-inputs.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { describeWeightGradientsStaged, stagedChunkRows } from '../src/kernels/weight-gradients-staged.js';
import { BARRIER, withoutBarrier } from './helpers/barriers.js';
import { relativeError } from './helpers/data.js';
import { getDevice } from './helpers/webgpu.js';
import {
  runWeightGradients,
  weightGradientsData,
  weightGradientsReference,
  weightGradientsSide,
  type WeightGradientsCase,
  type WeightGradientsData,
} from './helpers/weight-gradients-case.js';

// Tolerance: float32 sums over batch·timesteps rows against float64, relative to each output's
// largest magnitude (as weight-gradients.test.ts).
const TOLERANCE = 1e-5;

type Case = WeightGradientsCase & {
  /** strategy.gemmWorkgroup: the workgroup's lanes. */
  readonly gemm: readonly [number, number];
  /** strategy.weightGradientRows: rows per split (the test adds the splits' partials up). */
  readonly rowsPerSplit?: number;
};

const SIMPLE_RNN = { gates: 1, gradientBlocks: 1, savedOperand: false } as const;
const LSTM = { gates: 4, gradientBlocks: 4, savedOperand: false } as const;
const GRU = { gates: 3, gradientBlocks: 3, savedOperand: true } as const;
const GRU_RESET_AFTER = { gates: 3, gradientBlocks: 4, savedOperand: false } as const;
const PLAIN = { goBackwards: false, useInitialState: false, dropout: false } as const;

// Awkward sizes: one of everything; units and features past a workgroup's tile and not multiples of 4;
// rows past a 256-row block of partial sums and not a whole chunk; lanes 1, odd and past a group of 4 or 8.
const cases: Case[] = [
  { batch: 1, timesteps: 1, features: 1, units: 1, ...SIMPLE_RNN, biasRows: 1, ...PLAIN, gemm: [1, 1] },
  { batch: 5, timesteps: 3, features: 1, units: 50, ...SIMPLE_RNN, biasRows: 1, ...PLAIN, gemm: [8, 8] },
  {
    batch: 5,
    timesteps: 3,
    features: 3,
    units: 50,
    ...LSTM,
    biasRows: 0,
    goBackwards: true,
    useInitialState: true,
    dropout: true,
    gemm: [8, 8],
  },
  {
    batch: 33,
    timesteps: 17,
    features: 8,
    units: 65,
    ...GRU,
    biasRows: 1,
    goBackwards: true,
    useInitialState: true,
    dropout: true,
    gemm: [4, 2],
  },
  { batch: 3, timesteps: 5, features: 5, units: 130, ...GRU_RESET_AFTER, biasRows: 2, ...PLAIN, gemm: [16, 4] },
  {
    batch: 7,
    timesteps: 2,
    features: 13,
    units: 6,
    ...LSTM,
    biasRows: 1,
    goBackwards: true,
    useInitialState: false,
    dropout: true,
    gemm: [3, 5],
  },
  { batch: 2, timesteps: 3, features: 2, units: 7, ...GRU_RESET_AFTER, biasRows: 0, ...PLAIN, gemm: [8, 8] },
  {
    batch: 4,
    timesteps: 67,
    features: 37,
    units: 33,
    ...GRU,
    biasRows: 1,
    goBackwards: false,
    useInitialState: true,
    dropout: false,
    gemm: [8, 8],
    rowsPerSplit: 256,
  },
  {
    batch: 3,
    timesteps: 131,
    features: 2,
    units: 17,
    ...GRU_RESET_AFTER,
    biasRows: 2,
    goBackwards: true,
    useInitialState: true,
    dropout: true,
    gemm: [2, 7],
    rowsPerSplit: 128,
  },
];

function setup(device: GPUDevice, c: Case, override: Partial<Strategy> = {}) {
  const strategy = chooseStrategy(deviceTraits(device), c, {
    gemmWorkgroup: c.gemm,
    stagedGemms: true,
    weightGradientRows: c.rowsPerSplit ?? c.batch * c.timesteps,
    ...override,
  });
  const layout = weightGradientsSide(device, c);
  return { run: describeWeightGradientsStaged(c, { ...c, side: layout }, strategy, deviceTraits(device)), layout };
}

/** The gradients: the kernel's outputs, the splits' partials added up in split order. */
async function run(device: GPUDevice, c: Case, data: WeightGradientsData, run: KernelRun, layout: SideLayout) {
  const splits = run.dispatches[0]!.workgroups[2];
  const raw = await runWeightGradients(device, c, data, run, layout, splits);
  const added = (partials: Float32Array) => {
    const size = partials.length / splits;
    const sum = new Float32Array(size);
    for (let s = 0; s < splits; s++) for (let i = 0; i < size; i++) sum[i] = sum[i]! + partials[s * size + i]!;
    return sum;
  };
  return {
    dKernel: added(raw.dKernel!),
    dRecurrentKernel: added(raw.dRecurrentKernel!),
    dBias: added(raw.dBias!),
    raw,
  };
}

const reference = weightGradientsReference;

const bytesOf = (out: Record<string, Float32Array>) =>
  Buffer.concat(Object.values(out).map((values) => Buffer.from(values.buffer)));

describe('weight-gradients-staged kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases.map((c) => ({ ...c, split: c.rowsPerSplit ?? 'none' })))(
    'B$batch T$timesteps F$features U$units G$gates/$gradientBlocks bias rows $biasRows saved=$savedOperand ' +
      'back=$goBackwards h0=$useInitialState dropout=$dropout wg=$gemm split=$split',
    async (c) => {
      const data = weightGradientsData(c);
      const { run: kernelRun, layout } = setup(device, c);
      const out = await run(device, c, data, kernelRun, layout);
      const expected = reference(c, data);
      expect(relativeError(out.dKernel, expected.dKernel), 'dKernel').toBeLessThan(TOLERANCE);
      expect(relativeError(out.dRecurrentKernel, expected.dRecurrentKernel), 'dRecurrentKernel').toBeLessThan(
        TOLERANCE,
      );
      if (c.biasRows > 0) expect(relativeError(out.dBias, expected.dBias), 'dBias').toBeLessThan(TOLERANCE);
      else expect(out.dBias, 'dBias untouched').toEqual(new Float32Array(c.gates * c.units));
    },
  );

  it('keeps an Infinity an Infinity: rows past the split are not staged, the first step is masked', async () => {
    // 5 rows in 2 splits of 4: the second split's chunk has one row; the fifth row's gradient is +Infinity.
    const c = { ...cases[0]!, batch: 5, features: 2, units: 2, useInitialState: true, rowsPerSplit: 4 };
    const data = {
      x: Float32Array.from({ length: 10 }, (_, i) => 1 + i),
      h: new Float32Array(10).fill(0.5),
      initialState: new Float32Array(10).fill(2),
      dGates: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, Infinity, 1),
      saved: new Float32Array(10),
    };
    const { run: kernelRun, layout } = setup(device, c);
    const out = await run(device, c, data, kernelRun, layout);
    const expected = reference(c, data);
    expect(expected.dKernel[0]).toBe(Infinity);
    expect(relativeError(out.dKernel, expected.dKernel), 'dKernel').toBeLessThan(TOLERANCE);
    expect(relativeError(out.dRecurrentKernel, expected.dRecurrentKernel), 'dRecurrentKernel').toBeLessThan(TOLERANCE);
    expect(relativeError(out.dBias, expected.dBias), 'dBias').toBeLessThan(TOLERANCE);
  });

  it('gives the same bits for any chunk size and workgroup order', async () => {
    const c = cases[3]!;
    const data = weightGradientsData(c);
    const variants: [string, (run: KernelRun) => KernelRun, Partial<Strategy>][] = [
      ['16 rows a chunk', (r) => r, {}],
      ['1 row a chunk', (r) => ({ ...r, constants: { ...r.constants, CHUNK_ROWS: 1 } }), {}],
      [
        '4 rows a chunk, reversed',
        (r) => ({ ...r, constants: { ...r.constants, CHUNK_ROWS: 4 } }),
        { workgroupOrder: 'reversed' },
      ],
      ['interleaved', (r) => r, { workgroupOrder: 'interleaved' }],
    ];
    const results: Buffer[] = [];
    for (const [, change, override] of variants) {
      const { run: kernelRun, layout } = setup(device, c, override);
      expect(kernelRun.constants.CHUNK_ROWS).toBe(16);
      results.push(bytesOf((await run(device, c, data, change(kernelRun), layout)).raw));
    }
    for (const [i, [name]] of variants.entries()) expect(results[i]!.equals(results[0]!), name).toBe(true);
  });

  // 64 lanes: 16 of SwiftShader's groups of 4 (llvmpipe: 8 of 8), which switch only at barriers, over
  // 561 rows in chunks of 16. Without the barrier after staging, a group reads what others have not
  // staged yet; without the one before, a group stages the next chunk over what others still read.
  it('needs both barriers: without either, the sums are wrong', async () => {
    const c = { ...cases[3]!, gemm: [8, 8] as const };
    const data = weightGradientsData(c);
    const { run: kernelRun, layout } = setup(device, c);
    expect([...kernelRun.spec.code.matchAll(BARRIER)]).toHaveLength(2);
    const expected = reference(c, data);
    const error = async (r: KernelRun) =>
      relativeError((await run(device, c, data, r, layout)).dRecurrentKernel, expected.dRecurrentKernel);
    expect(await error(kernelRun), 'intact').toBeLessThan(TOLERANCE);
    for (const barrier of [0, 1]) {
      expect(await error(withoutBarrier(kernelRun, barrier)), `without barrier ${barrier}`).not.toBeLessThan(TOLERANCE);
    }
  });
});

describe('stagedChunkRows', () => {
  it.each([
    // 16 B a vec4: (2·8 operand and saved operand + 4·8 dGates) vec4s a row = 768 B; 16 rows (the most) in 16 KiB.
    { gemm: [8, 8], gates: 4, storage: 16_384, rows: 16 },
    // GRU: (2·8 + 3·8)·16 = 640 B a row.
    { gemm: [8, 8], gates: 3, storage: 8_192, rows: 8 },
    // [16, 16]: (2·16 + 4·16)·16 = 1,536 B a row: 10 fit, 8 (a power of two).
    { gemm: [16, 16], gates: 4, storage: 16_384, rows: 8 },
    { gemm: [1, 1], gates: 4, storage: 96, rows: 1 },
  ] as const)('gemmWorkgroup $gemm, G$gates, $storage B: $rows rows', (c) => {
    const limits = { maxComputeWorkgroupStorageSize: c.storage };
    expect(stagedChunkRows({ gates: c.gates }, c.gemm, limits)).toBe(c.rows);
  });

  it('refuses a workgroup whose one row does not fit, naming the strategy field and the limit', () => {
    const limits = { maxComputeWorkgroupStorageSize: 4_096 };
    expect(() => stagedChunkRows({ gates: 4 }, [64, 4], limits)).toThrow(
      /strategy\.gemmWorkgroup \[64, 4\].*4224 bytes.*maxComputeWorkgroupStorageSize \(4096\)/,
    );
  });
});
