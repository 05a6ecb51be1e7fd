// Keras's masking in the kernels, every cell: at a dropped step a row's states carry over (LSTM's c too)
// and its gates get no gradient, the gradient reaching its states passes on to the step before. Against
// the float64 references, which blend as tfjs's rnn() does (new ⊙ m + previous ⊙ (1 − m)). The masks
// drop steps every way a row can (helpers/layer-case.ts maskData), per step or as lengths, in both
// directions, with and without initial states, under every recurrence strategy.
import { describe, expect, it } from 'vitest';
import { compareWithReference, layerData, outOfTolerance, type LayerKind } from './helpers/layer-case.js';
import { chunked, HARDWARE, rowCases, staged, stepwise, type Row } from './helpers/layer-grid.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerances: forward 1e-5, backward 1e-4, relative to each output's largest magnitude (layer-case.ts).

const rows: [LayerKind, Row][] = [
  ['SimpleRNN', [5, 4, 3, 7, { masking: 'steps' }]],
  ['SimpleRNN', [6, 5, 2, 33, { masking: 'lengths', goBackwards: true, initial: true }, stepwise]],
  ['SimpleRNN', [11, 3, 1, 50, { masking: 'steps', initial: true }, HARDWARE, { lastStepOnly: true }]],
  ['LSTM', [5, 4, 3, 7, { masking: 'steps', initial: true }, undefined, { dcLast: true, lastStepOnly: true }]],
  ['LSTM', [7, 6, 2, 5, { masking: 'lengths', goBackwards: true }, chunked, { lastOutputs: true }]],
  ['LSTM', [10, 3, 3, 9, { masking: 'steps', goBackwards: true, initial: true }, staged]],
  ['GRU', [5, 4, 3, 7, { masking: 'steps', initial: true }]],
  ['GRU', [6, 5, 2, 9, { masking: 'lengths', resetAfter: true, initial: true }, stepwise, { lastOutputs: true }]],
  ['GRU', [10, 3, 1, 6, { masking: 'steps', goBackwards: true }, stepwise]],
  ['GRU', [5, 4, 2, 5, { masking: 'steps', resetAfter: true, goBackwards: true }, HARDWARE, { lastStepOnly: true }]],
];

describe('masked steps in the kernels vs the float64 references', async () => {
  const device = await getDevice();
  const cases = rows.flatMap(([kind, row], i) =>
    rowCases(device, kind, [row], 9000 + 10 * i).map((c) => ({ ...c, name: `${kind} ${c.name}`, kind })),
  );

  it.each(cases)('$name', async ({ kind, config, options, seed }) => {
    expect(outOfTolerance(await compareWithReference(device, kind, config, seed, options))).toEqual([]);
  });

  // maskData's row 4 drops every step: it keeps its initial state to the end, sends the gradient of its
  // last state straight back to the initial state, and its gates get none.
  it.each(['SimpleRNN', 'LSTM', 'GRU'] as const)(
    '%s: a row with every step dropped returns its initial state and passes the gradient through',
    async (kind) => {
      const config = {
        batch: 5,
        timesteps: 3,
        features: 2,
        units: 4,
        useInitialState: true,
        masking: 'steps' as const,
      };
      const data = layerData(kind, config, 77);
      const result = await compareWithReference(device, kind, config, 77, { lastStepOnly: true }, data);
      expect(outOfTolerance(result)).toEqual([]);
      const { timesteps: T, units: U } = config;
      const row = (a: Float32Array, width: number) => a.subarray(4 * T * width, 5 * T * width);
      const h0 = data.initialState.subarray(4 * U, 5 * U);
      const h = row(result.gpu.h!, U);
      for (let s = 0; s < T; s++) expect(h.subarray(s * U, (s + 1) * U)).toEqual(h0);
      const dGates = result.gpu.dz ?? result.gpu.dGates!;
      expect([...row(dGates, dGates.length / (config.batch * T))].every((v) => v === 0)).toBe(true);
      expect(result.gpu.dInitialState!.subarray(4 * U, 5 * U)).toEqual(data.dhLast.subarray(4 * U, 5 * U));
    },
  );
});
