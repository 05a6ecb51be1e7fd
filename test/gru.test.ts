import { describe, expect, it } from 'vitest';
import { createGRU } from '../src/kernels/gru.js';
import { compareWithReference, outOfTolerance } from './helpers/layer-case.js';
import {
  activationGrid,
  chunked,
  HARDWARE,
  rowCases,
  specialValueCases,
  specialValues,
  staged,
  stepwise,
  type Row,
} from './helpers/layer-grid.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerances: forward 1e-5, backward 1e-4, relative to each output's largest magnitude (layer-case.ts).

// Both variants, awkward shapes (1, primes, units past a workgroup, 1024), both directions, with and
// without bias and initial state, the gradient of every step or of the last one, every strategy:
// the adapter's default, stepwise (two dispatches per step without resetAfter), weights in workgroup
// memory, chunked persistent dispatches, weight gradients in splits, and the hardware half of the
// table forced on this adapter.
const rows: Row[] = [
  [1, 1, 1, 1, {}],
  [1, 1, 1, 1, { resetAfter: true }],
  [5, 3, 1, 50, {}],
  [5, 3, 1, 50, { resetAfter: true, goBackwards: true, initial: true }, stepwise, { lastStepOnly: true }],
  [5, 3, 1, 50, { goBackwards: true, initial: true }, stepwise, { lastOutputs: true }],
  [33, 17, 3, 2, { goBackwards: true, useBias: false, initial: true }, { weightGradientRows: 256 }],
  [33, 17, 3, 2, { resetAfter: true }, { weightGradientRows: 256 }, { lastOutputs: true }],
  [1, 17, 8, 64, { initial: true }, chunked],
  [1, 17, 8, 64, { resetAfter: true, initial: true }, chunked, { lastStepOnly: true }],
  [5, 1, 3, 65, { goBackwards: true }, HARDWARE],
  [5, 2, 3, 50, { resetAfter: true, initial: true }, HARDWARE],
  [33, 3, 8, 7, { useBias: false, initial: true }, staged],
  [33, 3, 8, 7, { resetAfter: true, goBackwards: true }, staged],
  [5, 17, 8, 257, { resetAfter: true, initial: true }],
  [1, 3, 3, 1024, { goBackwards: true, initial: true }],
  [2, 3, 3, 520, { resetAfter: true, initial: true }, HARDWARE],
  [5, 3, 8, 2, { goBackwards: true, activation: 'relu', recurrentActivation: 'sigmoid' }],
  [5, 3, 8, 2, { resetAfter: true, activation: 'relu', recurrentActivation: 'sigmoid' }],
];

describe('fused GRU on WebGPU vs the float64 reference', async () => {
  const device = await getDevice();

  it.each(rowCases(device, 'GRU', rows, 4000))('$name', async ({ config, options, seed }) => {
    expect(outOfTolerance(await compareWithReference(device, 'GRU', config, seed, options))).toEqual([]);
  });

  // The full 14 × 14 grid for each variant on one small shape (B3 T3 F2 U5, options varying along it),
  // with both activations read from params: one pipeline serves all 196 pairs. The rows above run
  // compiled pairs.
  it.each([false, true])(
    'matches on every activation × recurrentActivation pair, resetAfter %s',
    async (resetAfter) => {
      const bad: string[] = [];
      for (const { name, config, options, seed } of activationGrid('GRU', { resetAfter })) {
        bad.push(
          ...outOfTolerance(await compareWithReference(device, 'GRU', config, seed, options)).map(
            (e) => `${name}: ${e}`,
          ),
        );
      }
      expect(bad).toEqual([]);
    },
  );

  it.each([false, true])(
    'passes NaN and ±Infinity through every activation, forward and backward, resetAfter %s',
    async (resetAfter) => {
      const bad: string[] = [];
      for (const { name, config, seed } of specialValueCases('GRU', { resetAfter })) {
        const result = await compareWithReference(device, 'GRU', config, seed, {}, specialValues('GRU', config, seed));
        bad.push(...outOfTolerance(result).map((e) => `${name}: ${e}`));
      }
      expect(bad).toEqual([]);
    },
  );

  it('takes 2 dispatches forward and 3 backward, persistent; stepwise, one per step and phase', () => {
    const seed = { batch: 5, timesteps: 3, features: 1, units: 50, strategy: { recurrence: 'persistent' } } as const;
    for (const resetAfter of [false, true])
      expect(createGRU(device, { ...seed, resetAfter }).dispatches).toEqual({ forward: 2, backward: 3 });
    expect(createGRU(device, { ...seed, strategy: { ...seed.strategy, ...stepwise } }).dispatches).toEqual({
      forward: 1 + 2 * 3,
      backward: 2 * 3 + 1 + 2,
    });
    expect(
      createGRU(device, { ...seed, resetAfter: true, strategy: { ...seed.strategy, ...stepwise } }).dispatches,
    ).toEqual({ forward: 1 + 3, backward: 3 + 1 + 2 });
  });
});
