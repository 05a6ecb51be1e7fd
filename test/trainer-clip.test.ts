import { describe, expect, it } from 'vitest';
import { alignedRanges } from '../src/kernels/shape.js';
import { CLIP_WORKGROUP_SIZE, clipLoopIterations, describeTrainerClip } from '../src/kernels/trainer-clip.js';
import { trainerClipRef } from '../src/kernels/trainer-clip.ref.js';
import type { OptimizerConfig } from '../src/kernels/trainer-optimizer.js';
import { resolveOptimizer } from '../src/trainer/optimizer-config.js';
import { BARRIER, withoutBarrier } from './helpers/barriers.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes, u32Bits } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 sums of squares (up to 20,011 terms) and a square root against float64, relative.
const TOLERANCE = 1e-5;

interface Case {
  /** Each tensor's size; each starts at a multiple of 64 floats, as the trainer's layout at 256 bytes. */
  readonly sizes: readonly number[];
  readonly clip: 'clipNorm' | 'globalClipNorm';
  /** clipNorm as a fraction of the median tensor norm (per tensor) or of the global norm. */
  readonly at: number;
}

const cases: Case[] = [
  { sizes: [1], clip: 'clipNorm', at: 0.5 },
  { sizes: [7], clip: 'globalClipNorm', at: 0.5 },
  { sizes: [3, 257, 1, 61], clip: 'clipNorm', at: 1 },
  { sizes: [50, 2500, 50, 100, 2], clip: 'clipNorm', at: 1 },
  { sizes: [50, 2500, 50, 100, 2], clip: 'globalClipNorm', at: 0.25 },
  { sizes: [4099, 13, 20_011], clip: 'clipNorm', at: 1 },
  { sizes: [4099, 13, 20_011], clip: 'globalClipNorm', at: 2 },
];

function layout(sizes: readonly number[]): { starts: number[]; floats: number } {
  const { ranges, size } = alignedRanges(
    sizes.map((n) => n * 4),
    256,
  );
  return { starts: ranges.map((r) => r.offset / 4), floats: size / 4 };
}

/** Gradients of `sizes` in their layout, padding 0, each tensor on its own scale. */
function gradientsFor(sizes: readonly number[], seed: number) {
  const { starts, floats } = layout(sizes);
  const rng = random(seed);
  const gradients = new Float32Array(floats);
  sizes.forEach((n, t) => gradients.set(uniform(n, 10 ** ((t % 3) - 1), rng), starts[t]));
  return { starts, gradients };
}

const norms = (gradients: Float32Array, starts: number[]) =>
  starts.map((start, t) => Math.hypot(...gradients.subarray(start, starts[t + 1] ?? gradients.length)));

const clipped = (clip: Case['clip'], value: number): OptimizerConfig =>
  resolveOptimizer({ type: 'sgd', [clip]: value });

describe('trainer-clip kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)('tensors $sizes, $clip at $at of the norm', async (c) => {
    const { starts, gradients } = gradientsFor(c.sizes, c.sizes.length * 7 + c.sizes[0]!);
    const tensorNorms = norms(gradients, starts);
    const reference =
      c.clip === 'clipNorm'
        ? [...tensorNorms].sort((a, b) => a - b)[Math.floor(tensorNorms.length / 2)]!
        : Math.hypot(...tensorNorms);
    const optimizer = clipped(c.clip, Math.fround(reference * c.at));
    const expected = trainerClipRef(gradients, starts, optimizer);
    expect(
      expected.some((s) => s < 1 - 1e-3),
      'the case clips',
    ).toBe(c.at < 1 || c.clip === 'clipNorm');
    const data = { tensorStarts: u32Bits(starts), gradients, clipScales: starts.length };
    const runs = [CLIP_WORKGROUP_SIZE, 64, 1, 5, 7].map((size) =>
      describeTrainerClip(starts, gradients.length, optimizer, size)!,
    );
    const out = await runKernel(device, runs[0]!, data);
    expect(relativeError(out.clipScales!, expected), 'scales').toBeLessThan(TOLERANCE);
    // Within the norm the gradient stays exactly as it was.
    expected.forEach((s, t) => {
      if (s === 1) expect(out.clipScales![t], `tensor ${t} unclipped`).toBe(1);
    });
    for (const run of runs.slice(1)) {
      const other = await runKernel(device, run, data);
      expect(bytes(other.clipScales!).equals(bytes(out.clipScales!)), `${run.constants.WORKGROUP_SIZE} lanes`).toBe(
        true,
      );
    }
  });

  it('NaN in a tensor makes its scale NaN (every scale with globalClipNorm); Infinity makes it 0', async () => {
    const { starts, gradients } = gradientsFor([5, 300, 9], 3);
    gradients[starts[1]! + 100] = Number.NaN;
    gradients[starts[2]! + 4] = Infinity;
    const data = { tensorStarts: u32Bits(starts), gradients, clipScales: starts.length };
    const perTensor = await runKernel(
      device,
      describeTrainerClip(starts, gradients.length, clipped('clipNorm', 1))!,
      data,
    );
    expect([...perTensor.clipScales!].slice(1)).toEqual([Number.NaN, 0]);
    expect(perTensor.clipScales![0]).toBeGreaterThan(0);
    const global = await runKernel(
      device,
      describeTrainerClip(starts, gradients.length, clipped('globalClipNorm', 1))!,
      data,
    );
    expect([...global.clipScales!]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  // SwiftShader runs 4 lanes in lockstep and switches at barriers: without any one of them, a lane reads
  // a partial another lane has not written yet, or overwrites one still being read.
  it('needs its barriers: removing any one of them breaks the scales', async () => {
    const { starts, gradients } = gradientsFor([4099, 13, 2000], 11);
    const optimizer = clipped('clipNorm', 1);
    const expected = trainerClipRef(gradients, starts, optimizer);
    const data = { tensorStarts: u32Bits(starts), gradients, clipScales: starts.length };
    const run = describeTrainerClip(starts, gradients.length, optimizer)!;
    const barriers = [...run.spec.code.matchAll(BARRIER)].length;
    expect(barriers).toBe(2);
    expect(relativeError((await runKernel(device, run, data)).clipScales!, expected)).toBeLessThan(TOLERANCE);
    for (let b = 0; b < barriers; b++)
      expect(
        relativeError((await runKernel(device, withoutBarrier(run, b), data)).clipScales!, expected),
        `without barrier ${b}`,
      ).toBeGreaterThan(TOLERANCE);
  });

  it("refuses weights past llvmpipe's loop budget, naming the field", () => {
    const starts = [0, 16_000_000];
    expect(clipLoopIterations(starts, 17_000_000, CLIP_WORKGROUP_SIZE)).toBeGreaterThan(65_535);
    expect(() => describeTrainerClip(starts, 17_000_000, clipped('globalClipNorm', 1))).toThrow(
      new RegExp(
        '^config\\.optimizer\\.globalClipNorm: the norms of 17000000 weights need \\d+ loop iterations ' +
          'in one invocation; llvmpipe runs at most 65535',
      ),
    );
    expect(describeTrainerClip(starts, 17_000_000, resolveOptimizer('sgd')), 'no clipping, no dispatch').toBeNull();
  });
});
