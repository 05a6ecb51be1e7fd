/**
 * What every staged GEMM kernel must show (test/*-staged.test.ts): its chunk's length and the workgroups'
 * order change no bits, and removing either of its two barriers breaks it.
 */
import { expect } from 'vitest';
import type { KernelRun } from '../../src/gpu/kernel.js';
import type { Strategy } from '../../src/kernels/strategy.js';
import { BARRIER, withoutBarrier } from './barriers.js';
import { relativeError } from './data.js';

/** A staged kernel's run with `override` on its strategy, its inputs, and the reference of its output. */
export type StagedSetup = (override?: Partial<Strategy>) => {
  readonly run: KernelRun;
  readonly data: Record<string, Float32Array | number>;
  readonly expected: ArrayLike<number>;
};

/** Runs a kernel on its inputs: the output the reference gives (as the kernel wrote it). */
export type RunOutput = (run: KernelRun, data: Record<string, Float32Array | number>) => Promise<Float32Array>;

/**
 * The table's chunk (the override `constant`, whose value `tableChunk` is checked), a chunk of 1, one of
 * `shortChunk` under the reversed order, and the table's under the interleaved order: the same bits.
 */
export async function expectChunksAndOrdersAlike(
  setup: StagedSetup,
  runOutput: RunOutput,
  constant: string,
  tableChunk: number,
  shortChunk: number,
): Promise<void> {
  const variants: [string, number | null, Partial<Strategy>][] = [
    [`${tableChunk} a chunk`, null, {}],
    ['1 a chunk', 1, {}],
    [`${shortChunk} a chunk, reversed`, shortChunk, { workgroupOrder: 'reversed' }],
    ['interleaved', null, { workgroupOrder: 'interleaved' }],
  ];
  const results: Buffer[] = [];
  for (const [, chunk, override] of variants) {
    const { run, data } = setup(override);
    expect(run.constants[constant]).toBe(tableChunk);
    const changed = chunk ? { ...run, constants: { ...run.constants, [constant]: chunk } } : run;
    results.push(Buffer.from((await runOutput(changed, data)).buffer));
  }
  for (const [i, [name]] of variants.entries()) expect(results[i]!.equals(results[0]!), name).toBe(true);
}

/** Intact within `tolerance` of the reference; without either barrier, not. */
export async function expectBothBarriersNeeded(
  setup: StagedSetup,
  runOutput: RunOutput,
  tolerance: number,
): Promise<void> {
  const { run, data, expected } = setup();
  expect([...run.spec.code.matchAll(BARRIER)]).toHaveLength(2);
  const error = async (r: KernelRun) => relativeError(await runOutput(r, data), expected);
  expect(await error(run), 'intact').toBeLessThan(tolerance);
  for (const barrier of [0, 1])
    expect(await error(withoutBarrier(run, barrier)), `without barrier ${barrier}`).not.toBeLessThan(tolerance);
}
