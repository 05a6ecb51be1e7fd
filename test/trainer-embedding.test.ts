import { describe, expect, it } from 'vitest';
import { deviceTraits, WORKGROUP_ORDERS } from '../src/kernels/strategy.js';
import { describeTrainerEmbedding } from '../src/kernels/trainer-embedding.js';
import { trainerEmbeddingRef } from '../src/kernels/trainer-embedding.ref.js';
import { describeTrainerEmbeddingGradient } from '../src/kernels/trainer-embedding-gradient.js';
import { trainerEmbeddingGradientRef } from '../src/kernels/trainer-embedding-gradient.ref.js';
import { BARRIER, withoutBarrier } from './helpers/barriers.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes } from './helpers/trainer-data.js';
import { getDevice } from './helpers/webgpu.js';

// The lookup copies (exact); the gradient sums each token's positions in ascending order in float32
// (up to ~2,000 terms here): against the float64 reference within 1e-5 relative, and bit for bit under
// every workgroup order and size.
const TOLERANCE = 1e-5;

interface Case {
  positions: number;
  dims: number;
  vocabulary: number;
}

// One of each, primes, a dimension past a workgroup, positions past several id tiles, tokens absent.
const cases: Case[] = [
  { positions: 1, dims: 1, vocabulary: 1 },
  { positions: 7, dims: 3, vocabulary: 5 },
  { positions: 131, dims: 67, vocabulary: 11 },
  { positions: 640, dims: 8, vocabulary: 97 },
  { positions: 5000, dims: 2, vocabulary: 3 },
];

const ids = (c: Case, seed: number) => {
  const rng = random(seed);
  // A skewed draw: token 0 (padding) common, the last tokens rare or absent.
  return Float32Array.from({ length: c.positions }, () => Math.floor(rng() ** 2 * c.vocabulary));
};

const name = (c: Case) => `${c.positions} positions of ${c.dims} over ${c.vocabulary} tokens`;

describe('trainer-embedding kernels', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases.map((c) => [name(c), c] as const))(
    'lookup, %s: the rows (or one-hot vectors) exactly',
    async (_, c) => {
      const tokens = ids(c, c.positions);
      // The ids start 3 in, as a generation's step reads its token from the middle of the buffer.
      const shifted = Float32Array.of(0, 0, 0, ...tokens);
      const table = uniform(c.vocabulary * c.dims, 1, random(c.dims));
      for (const oneHot of [false, true]) {
        const dims = oneHot ? c.vocabulary : c.dims;
        const expected = trainerEmbeddingRef(shifted, oneHot ? null : table, c.positions, dims, 3);
        for (const workgroupOrder of WORKGROUP_ORDERS)
          for (const size of [64, 1, 5]) {
            const run = describeTrainerEmbedding(
              { positions: c.positions, dims, oneHot },
              [3],
              { workgroupOrder },
              traits,
              size,
            );
            const { x } = await runKernel(device, run, { ids: shifted, table, x: c.positions * dims });
            expect(bytes(x!).equals(bytes(expected)), `one-hot ${oneHot}, ${workgroupOrder}, ${size} lanes`).toBe(true);
          }
      }
    },
  );

  it.each(cases.map((c) => [name(c), c] as const))(
    'gradient, %s: summed per token, the same bits in any order',
    async (_, c) => {
      const tokens = ids(c, c.dims);
      const dx = uniform(c.positions * c.dims, 1, random(c.vocabulary));
      const expected = trainerEmbeddingGradientRef(tokens, dx, c.positions, c.dims, c.vocabulary);
      const data = { ids: tokens, dx, dTable: Float32Array.from({ length: c.vocabulary * c.dims }, () => Number.NaN) };
      const natural = describeTrainerEmbeddingGradient(c, { workgroupOrder: 'natural' }, traits);
      const { dTable } = await runKernel(device, natural, data);
      expect(relativeError(dTable!, expected)).toBeLessThan(TOLERANCE);
      // Absent tokens get 0, not what the buffer held.
      const present = new Set(tokens);
      for (let v = 0; v < c.vocabulary; v++)
        if (!present.has(v))
          expect([...dTable!.subarray(v * c.dims, (v + 1) * c.dims)].every((g) => g === 0)).toBe(true);
      for (const workgroupOrder of WORKGROUP_ORDERS)
        for (const size of [1, 5, 256]) {
          const run = describeTrainerEmbeddingGradient(c, { workgroupOrder }, traits, size);
          const other = (await runKernel(device, run, data)).dTable!;
          expect(bytes(other).equals(bytes(dTable!)), `${workgroupOrder}, ${size} lanes`).toBe(true);
        }
    },
  );

  it('gradient: NaN and Infinity in dx reach their token only', async () => {
    const c = { positions: 4, dims: 2, vocabulary: 3 };
    const tokens = Float32Array.of(1, 2, 1, 0);
    const dx = Float32Array.of(Number.NaN, 1, 2, Infinity, 3, 4, 5, 6);
    const run = describeTrainerEmbeddingGradient(c, { workgroupOrder: 'natural' }, traits);
    const { dTable } = await runKernel(device, run, { ids: tokens, dx, dTable: 6 });
    expect([...dTable!]).toEqual([5, 6, Number.NaN, 5, 2, Infinity]);
  });

  // SwiftShader runs lanes in lockstep groups and switches at barriers: without the barrier after the
  // store, lanes read ids the others have not staged yet; without the one before it, a fast lane
  // overwrites ids a slow one still reads.
  it('gradient needs its barriers: removing the staging barrier breaks it', async () => {
    const c = cases[3]!;
    const tokens = ids(c, 1);
    const dx = uniform(c.positions * c.dims, 1, random(2));
    const expected = trainerEmbeddingGradientRef(tokens, dx, c.positions, c.dims, c.vocabulary);
    const run = describeTrainerEmbeddingGradient(c, { workgroupOrder: 'natural' }, traits);
    expect([...run.spec.code.matchAll(BARRIER)]).toHaveLength(2);
    const data = { ids: tokens, dx, dTable: c.vocabulary * c.dims };
    expect(relativeError((await runKernel(device, run, data)).dTable!, expected)).toBeLessThan(TOLERANCE);
    expect(relativeError((await runKernel(device, withoutBarrier(run, 1), data)).dTable!, expected)).toBeGreaterThan(
      TOLERANCE,
    );
  });
});
