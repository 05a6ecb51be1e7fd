// tfjs's dropout in the kernels, every cell: the input's mask dm [B, F] multiplies every step's x and the
// recurrent mask rm [B, U] every h_{s-1} a cell reads (a GRU's blend too), against the float64 references
// with the same masks (helpers/layer-case.ts draws them at rate 0.4: 0 or 1/0.6), combined with masking,
// initial states, both directions and every recurrence strategy; and the references' gradients against
// central finite differences.
import { describe, expect, it } from 'vitest';
import type { CellDefinition } from '../src/kernels/cell.js';
import { CELLS } from '../src/kernels/cells.js';
import { resolveLayerConfig } from '../src/kernels/config.js';
import { GRU_CELL } from '../src/kernels/gru.js';
import { random } from './helpers/data.js';
import { dot, finiteDifferenceMismatches } from './helpers/finite-differences.js';
import { compareWithReference, outOfTolerance, type LayerKind } from './helpers/layer-case.js';
import { chunked, HARDWARE, rowCases, staged, stepwise, type Row } from './helpers/layer-grid.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerances: forward 1e-5, backward 1e-4, relative to each output's largest magnitude (layer-case.ts).
// The shapes and strategies are masking.test.ts's, so that the two files share their pipelines.

const both = { inputDropout: true, recurrentDropout: true } as const;
const rows: [LayerKind, Row][] = [
  ['SimpleRNN', [5, 4, 3, 7, { ...both }]],
  ['SimpleRNN', [6, 5, 2, 33, { ...both, masking: 'lengths', goBackwards: true, initial: true }, stepwise]],
  [
    'SimpleRNN',
    [11, 3, 1, 50, { recurrentDropout: true, masking: 'steps', initial: true }, HARDWARE, { lastStepOnly: true }],
  ],
  ['LSTM', [5, 4, 3, 7, { ...both, masking: 'steps', initial: true }, undefined, { dcLast: true, lastStepOnly: true }]],
  ['LSTM', [7, 6, 2, 5, { recurrentDropout: true, goBackwards: true }, chunked, { lastOutputs: true }]],
  ['LSTM', [10, 3, 3, 9, { inputDropout: true, masking: 'steps', goBackwards: true, initial: true }, staged]],
  ['GRU', [5, 4, 3, 7, { ...both, initial: true }]],
  [
    'GRU',
    [6, 5, 2, 9, { ...both, masking: 'lengths', resetAfter: true, initial: true }, stepwise, { lastOutputs: true }],
  ],
  ['GRU', [10, 3, 1, 6, { recurrentDropout: true, masking: 'steps', goBackwards: true }, stepwise]],
  ['GRU', [5, 4, 2, 5, { ...both, resetAfter: true, goBackwards: true }, HARDWARE, { lastStepOnly: true }]],
];

describe('dropout in the kernels vs the float64 references', async () => {
  const device = await getDevice();
  const cases = rows.flatMap(([kind, row], i) =>
    rowCases(device, kind, [row], 9500 + 10 * i).map((c) => ({ ...c, name: `${kind} ${c.name}`, kind })),
  );

  it.each(cases)('$name', async ({ kind, config, options, seed }) => {
    expect(outOfTolerance(await compareWithReference(device, kind, config, seed, options))).toEqual([]);
  });
});

describe('the references with dropout vs central finite differences of L = Σ dh ⊙ h', () => {
  // B3 T4 F2 U3 with both masks, a mask dropping steps, initial states, both directions; tanh and sigmoid,
  // which have no kinks.
  const [B, T, F, U] = [3, 4, 2, 3];
  const variants: [string, CellDefinition, object][] = [
    ...CELLS.map((cell): [string, CellDefinition, object] => [cell.className, cell, {}]),
    ['GRU resetAfter', GRU_CELL, { resetAfter: true }],
  ];
  const constants = {
    dropoutMask: Float64Array.from({ length: B * F }, (_, i) => (i % 3 === 1 ? 0 : 1.25)),
    recurrentDropoutMask: Float64Array.from({ length: B * U }, (_, i) => (i % 4 === 2 ? 0 : 2)),
    mask: Float64Array.from({ length: B * T }, (_, i) => (i === 1 || i === 4 || i === 11 ? 0 : 1)),
  };
  const GRADIENT_OF: Record<string, string> = {
    x: 'dx',
    kernel: 'dKernel',
    recurrentKernel: 'dRecurrentKernel',
    bias: 'dBias',
    initialState: 'dInitialState',
    initialCellState: 'dInitialCellState',
  };

  it.each(
    variants.flatMap(([name, cell, options]) =>
      [false, true].map((goBackwards) => ({ name, cell, options, goBackwards })),
    ),
  )('$name, goBackwards $goBackwards', ({ cell, options, goBackwards }) => {
    const config = resolveLayerConfig(cell, {
      batch: B,
      timesteps: T,
      features: F,
      units: U,
      activation: 'tanh',
      ...(cell.options.includes('recurrentActivation') ? { recurrentActivation: 'sigmoid' } : {}),
      ...options,
      goBackwards,
      useInitialState: true,
      ...(cell.states === 2 ? { useInitialCellState: true } : {}),
      masking: 'steps',
      ...both,
    });
    const G = cell.gates;
    const rng = random(G * 10 + Number(goBackwards));
    const values = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
    const inputs: Record<string, Float64Array> = {
      x: values(B * T * F, 1),
      kernel: values(F * G * U, 0.8),
      recurrentKernel: values(U * G * U, 0.6),
      bias: values(cell.cell(config).biasRows * G * U, 0.5),
      initialState: values(B * U, 1),
      ...(cell.states === 2 ? { initialCellState: values(B * U, 1) } : {}),
    };
    const dh = values(B * T * U, 1);
    const forward = (arrays: Record<string, Float64Array>) =>
      cell.reference.forward({ ...arrays, ...constants }, config);
    const loss = (arrays: Record<string, Float64Array>) => dot(forward(arrays).h!, dh);
    const gradients = cell.reference.backward({ ...inputs, ...constants, ...forward(inputs), dh }, config);
    const analytic = Object.fromEntries(Object.keys(inputs).map((name) => [name, gradients[GRADIENT_OF[name]!]!]));
    expect(finiteDifferenceMismatches(inputs, analytic, loss)).toEqual([]);
  });
});
