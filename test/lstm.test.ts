import { describe, expect, it } from 'vitest';
import { createLSTM } from '../src/kernels/lstm.js';
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

// Awkward shapes (1, primes, units past a workgroup, 1024), both directions, with and without bias
// and initial states (h and c together), the gradient of every step or of the last one (and the last
// cell state's), every strategy: the adapter's default, stepwise, weights in workgroup memory, chunked
// persistent dispatches, weight gradients in splits, and the hardware half of the table forced here.
const rows: Row[] = [
  [1, 1, 1, 1, {}],
  [5, 3, 1, 50, {}],
  [5, 3, 1, 50, { goBackwards: true, initial: true }, stepwise, { lastStepOnly: true, dcLast: true }],
  [
    33,
    17,
    3,
    2,
    { goBackwards: true, useBias: false, initial: true },
    { weightGradientRows: 256 },
    { lastOutputs: true, dcLast: true },
  ],
  [1, 17, 8, 64, { initial: true }, chunked],
  [5, 1, 3, 65, { goBackwards: true }, HARDWARE],
  [33, 3, 8, 7, { useBias: false, initial: true }, staged, { dcLast: true }],
  [1, 3, 1, 130, { goBackwards: true, initial: true }, undefined, { lastStepOnly: true }],
  [5, 17, 8, 257, {}],
  [1, 3, 3, 1024, { goBackwards: true, initial: true }],
  [2, 3, 3, 520, { initial: true }, HARDWARE, { lastOutputs: true }],
  [5, 3, 8, 2, { goBackwards: true, useBias: false, activation: 'relu', recurrentActivation: 'sigmoid' }],
];

describe('fused LSTM on WebGPU vs the float64 reference', async () => {
  const device = await getDevice();

  it.each(rowCases(device, 'LSTM', rows, 3000))('$name', async ({ config, options, seed }) => {
    expect(outOfTolerance(await compareWithReference(device, 'LSTM', config, seed, options))).toEqual([]);
  });

  // The full 14 × 14 grid on one small shape (B3 T3 F2 U5, options varying along it), with both
  // activations read from params: one pipeline serves all 196 pairs. The rows above run compiled pairs.
  it('matches on every activation × recurrentActivation pair', async () => {
    const bad: string[] = [];
    for (const { name, config, options, seed } of activationGrid('LSTM')) {
      bad.push(
        ...outOfTolerance(await compareWithReference(device, 'LSTM', config, seed, options)).map(
          (e) => `${name}: ${e}`,
        ),
      );
    }
    expect(bad).toEqual([]);
  });

  it('passes NaN and ±Infinity through every activation, forward and backward, as the reference does', async () => {
    const bad: string[] = [];
    for (const { name, config, seed } of specialValueCases('LSTM')) {
      const result = await compareWithReference(device, 'LSTM', config, seed, {}, specialValues('LSTM', config, seed));
      bad.push(...outOfTolerance(result).map((e) => `${name}: ${e}`));
    }
    expect(bad).toEqual([]);
  });

  it('takes 2 dispatches forward and 3 backward, persistent; one per step stepwise; chunks long sequences', () => {
    const seed = { batch: 5, timesteps: 3, features: 1, units: 50, strategy: { recurrence: 'persistent' } } as const;
    expect(createLSTM(device, seed).dispatches).toEqual({ forward: 2, backward: 3 });
    expect(createLSTM(device, { ...seed, strategy: { ...seed.strategy, ...stepwise } }).dispatches).toEqual({
      forward: 1 + 3,
      backward: 3 + 2 + 1,
    });
    // 10,000 steps never become one dispatch: chunks of at most 1,024 steps (fewer for wide layers);
    // 50,000 rows take the weight gradients in 2 splits, and a dispatch that adds them up.
    expect(createLSTM(device, { ...seed, timesteps: 10_000 }).dispatches).toEqual({
      forward: 1 + 10,
      backward: 10 + 3,
    });
    expect(createLSTM(device, { ...seed, timesteps: 100, units: 1024 }).dispatches).toEqual({
      forward: 1 + 25,
      backward: 25 + 2,
    });
  });
});
