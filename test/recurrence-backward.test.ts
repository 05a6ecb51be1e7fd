import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/kernels/activation.js';
import { cellShape } from '../src/kernels/cell.js';
import { describeRecurrenceBackward } from '../src/kernels/recurrence-backward.js';
import { expandLastStep } from '../src/kernels/simple-rnn.ref.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { CELLS, runsHere, sideInputs, withWorkgroupStorage, type CellName } from './helpers/recurrence-case.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 against float64, relative to each output's largest magnitude.
const TOLERANCE = 1e-5;

const persistent: Partial<Strategy> = {
  recurrence: 'persistent',
  weightsInWorkgroup: false,
  recurrenceWorkgroupSize: 4,
  products: 'loops',
};
const staged: Partial<Strategy> = {
  recurrence: 'persistent',
  weightsInWorkgroup: true,
  recurrenceWorkgroupSize: 32,
  products: 'loops',
};
const chunked: Partial<Strategy> = { ...persistent, maxStepsPerDispatch: 2 };
// Unrolled products (generated per units): a workgroup takes 4 rows per lane, so batches past 16
// rows span workgroups; units with a partial last block of 4; up to the 1,024-weight limit.
const unrolled = (more: Partial<Strategy> = {}): Partial<Strategy> => ({
  ...persistent,
  products: 'unrolled',
  ...more,
});
// Cooperative products (the hardware path), stepwise or persistent: 128 lanes unless said; fewer lanes
// than roles (7), several groups of unit tiles, and workgroup memory for only a few operand columns at a
// time (workgroupStorage bytes), so that the reductions span chunks. (Loops stepwise are the loops of
// the persistent cases, in other dispatches: test/workgroup-order.test.ts holds them to the same bits.)
const cooperative = (more: Partial<Strategy> = {}): Partial<Strategy> => ({
  recurrence: 'persistent',
  recurrenceWorkgroupSize: 128,
  weightsInWorkgroup: false,
  products: 'cooperative',
  ...more,
});

interface Case {
  readonly cell: CellName;
  readonly batch: number;
  readonly timesteps: number;
  readonly units: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  /** The initial state(s) are given. */
  readonly inputs: boolean;
  /** The gradient of the last step only (and, for LSTM, of the last cell state too). */
  readonly lastStepOnly: boolean;
  readonly strategy: Partial<Strategy>;
  /** The device's workgroup memory as the strategy sees it, when less than the device's. */
  readonly workgroupStorage?: number;
}

const cases: Case[] = [
  {
    cell: 'SimpleRNN',
    batch: 1,
    timesteps: 1,
    units: 1,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: false,
    strategy: persistent,
  },
  {
    cell: 'SimpleRNN',
    batch: 5,
    timesteps: 3,
    units: 50,
    activation: 'relu',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: cooperative({ recurrence: 'stepwise' }),
  },
  {
    cell: 'LSTM',
    batch: 5,
    timesteps: 3,
    units: 50,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: cooperative({ recurrence: 'stepwise' }),
  },
  {
    cell: 'LSTM',
    batch: 33,
    timesteps: 17,
    units: 65,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: false,
    strategy: chunked,
  },
  {
    cell: 'GRU',
    batch: 5,
    timesteps: 3,
    units: 50,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: cooperative({ recurrence: 'stepwise', recurrenceWorkgroupSize: 7 }),
  },
  {
    cell: 'GRU resetAfter',
    batch: 1,
    timesteps: 1,
    units: 1,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: persistent,
  },
  {
    cell: 'GRU resetAfter',
    batch: 6,
    timesteps: 5,
    units: 7,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: staged,
  },
  {
    cell: 'GRU',
    batch: 33,
    timesteps: 17,
    units: 65,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: chunked,
  },
  {
    cell: 'SimpleRNN',
    batch: 17,
    timesteps: 7,
    units: 31,
    activation: 'relu',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: unrolled(),
  },
  {
    cell: 'SimpleRNN',
    batch: 3,
    timesteps: 4,
    units: 5,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: true,
    strategy: unrolled({ recurrenceWorkgroupSize: 1 }),
  },
  {
    cell: 'SimpleRNN',
    batch: 37,
    timesteps: 3,
    units: 32,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: unrolled({ recurrence: 'stepwise', recurrenceWorkgroupSize: 3 }),
  },
  {
    cell: 'LSTM',
    batch: 33,
    timesteps: 5,
    units: 13,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: unrolled({ recurrenceWorkgroupSize: 5, maxStepsPerDispatch: 2 }),
  },
  {
    cell: 'LSTM',
    batch: 2,
    timesteps: 3,
    units: 16,
    activation: 'relu',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: false,
    strategy: unrolled(),
  },
  {
    cell: 'GRU',
    batch: 17,
    timesteps: 6,
    units: 18,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: unrolled({ recurrence: 'stepwise', recurrenceWorkgroupSize: 2 }),
  },
  {
    cell: 'GRU',
    batch: 5,
    timesteps: 4,
    units: 7,
    activation: 'relu',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: true,
    strategy: unrolled({ weightsInWorkgroup: true }),
  },
  {
    cell: 'GRU resetAfter',
    batch: 9,
    timesteps: 4,
    units: 3,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: unrolled(),
  },
  {
    cell: 'GRU resetAfter',
    batch: 20,
    timesteps: 2,
    units: 18,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: unrolled({ maxStepsPerDispatch: 1 }),
  },
  {
    cell: 'SimpleRNN',
    batch: 1,
    timesteps: 1,
    units: 1,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: false,
    strategy: cooperative({ recurrence: 'stepwise' }),
  },
  {
    cell: 'LSTM',
    batch: 33,
    timesteps: 17,
    units: 65,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: false,
    lastStepOnly: true,
    strategy: cooperative({ recurrenceWorkgroupSize: 64, maxStepsPerDispatch: 2 }),
    workgroupStorage: 2048,
  },
  {
    cell: 'GRU resetAfter',
    batch: 6,
    timesteps: 5,
    units: 7,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: true,
    strategy: cooperative({ recurrenceWorkgroupSize: 32, weightsInWorkgroup: true }),
  },
  {
    cell: 'SimpleRNN',
    batch: 17,
    timesteps: 7,
    units: 131,
    activation: 'relu',
    recurrentActivation: 'hardSigmoid',
    inputs: true,
    lastStepOnly: false,
    strategy: cooperative({ recurrence: 'stepwise' }),
  },
];

describe("recurrence-backward kernel vs each cell's reference", async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases.map((c, i) => ({ ...c, i })).filter(runsHere))(
    '$cell B$batch T$timesteps U$units inputs=$inputs lastStepOnly=$lastStepOnly %o',
    async (c) => {
      const { cell, forward, backward } = CELLS[c.cell];
      const shape = cellShape({ ...c, features: 1 }, cell);
      const { batch: B, timesteps: T, units: U, gates: G } = shape;
      const rng = random(c.i * 104729 + U);
      const inputs = {
        recurrentKernel: uniform(U * G * U, 1 / Math.sqrt(U), rng),
        initialState: c.inputs ? uniform(B * U, 1, rng) : null,
        initialCellState: c.inputs && c.cell === 'LSTM' ? uniform(B * U, 1, rng) : null,
        bias: c.cell === 'GRU resetAfter' ? uniform(2 * G * U, 0.5, rng) : null,
      };
      const saved = forward(uniform(B * T * G * U, 1, rng), inputs, shape, c);
      const gates = Float32Array.from(saved.gates);
      const h = Float32Array.from(saved.h);
      const savedSequence = saved.saved ? Float32Array.from(saved.saved) : null;
      const dhLast = uniform(B * U, 1, rng);
      const dh = c.lastStepOnly ? Float32Array.from(expandLastStep(dhLast, B, T, U)) : uniform(B * T * U, 1, rng);
      // LSTM with the last step's gradient takes dcLast too, copied into dInitialCellState first.
      const dcLast = c.lastStepOnly && c.cell === 'LSTM' ? uniform(B * U, 1, rng) : null;
      const caseTraits = withWorkgroupStorage(traits, c.workgroupStorage);
      const strategy = chooseStrategy(caseTraits, shape, c.strategy);
      const side = sideInputs(device, shape, inputs);
      const options = { ...c, goBackwards: false, side: side.layout, hasSavedGradient: dcLast !== null };
      const run = describeRecurrenceBackward(cell, shape, options, strategy, caseTraits);
      // dStates: [2, B, U], dcLast in the second block when given.
      const dStates = new Float32Array(2 * B * U);
      if (dcLast) dStates.set(dcLast, B * U);
      const out = await runKernel(device, run, {
        dh: c.lastStepOnly ? dhLast : dh,
        gates,
        recurrentKernel: inputs.recurrentKernel,
        h,
        ...(savedSequence ? { saved: savedSequence } : {}),
        ...(side.data ? { side: side.data } : {}),
        dGates: B * T * shape.gradientBlocks * U,
        dStates,
      });
      const dInitial = out.dStates!.subarray(0, B * U);
      const expected = backward({ dh, dcLast, gates, h, saved: savedSequence }, inputs, shape, c);
      expect(relativeError(out.dGates!, expected.dGates!), 'dGates').toBeLessThan(TOLERANCE);
      expect(relativeError(dInitial, expected.dInitialState!), 'dInitialState').toBeLessThan(TOLERANCE);
      if (c.cell === 'LSTM')
        expect(
          relativeError(out.dStates!.subarray(B * U), expected.dInitialCellState!),
          'dInitialCellState',
        ).toBeLessThan(TOLERANCE);
    },
  );
});
