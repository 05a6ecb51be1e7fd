import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/kernels/activation.js';
import { cellShape } from '../src/kernels/cell.js';
import { describeRecurrenceForward } from '../src/kernels/recurrence-forward.js';
import { lastStates } from '../src/kernels/simple-rnn.ref.js';
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
  /** The initial state(s) and, for GRU resetAfter, the recurrent bias are given. */
  readonly inputs: boolean;
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
    strategy: cooperative({ recurrence: 'stepwise' }),
  },
];

describe("recurrence-forward kernel vs each cell's reference", async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases.map((c, i) => ({ ...c, i })).filter(runsHere))(
    '$cell B$batch T$timesteps U$units inputs=$inputs %o',
    async (c) => {
      const { cell, forward } = CELLS[c.cell];
      const shape = cellShape({ ...c, features: 1 }, cell);
      const { batch: B, timesteps: T, units: U, gates: G } = shape;
      const rng = random(c.i * 7919 + U);
      const projection = uniform(B * T * G * U, 1, rng);
      const inputs = {
        recurrentKernel: uniform(U * G * U, 1 / Math.sqrt(U), rng),
        initialState: c.inputs ? uniform(B * U, 1, rng) : null,
        initialCellState: c.inputs && c.cell === 'LSTM' ? uniform(B * U, 1, rng) : null,
        bias: c.inputs && c.cell === 'GRU resetAfter' ? uniform(2 * G * U, 0.5, rng) : null,
      };
      const caseTraits = withWorkgroupStorage(traits, c.workgroupStorage);
      const strategy = chooseStrategy(caseTraits, shape, c.strategy);
      // Every other case also writes the last states on their own.
      const writeLast = c.i % 2 === 1;
      const side = sideInputs(device, shape, inputs);
      const options = {
        ...c,
        goBackwards: false,
        side: side.layout,
        hasCellInput: inputs.bias !== null,
        writeLast,
        writeLastSaved: writeLast && c.cell === 'LSTM',
      };
      const run = describeRecurrenceForward(cell, shape, options, strategy, caseTraits);
      if (c.strategy === chunked) expect(run.dispatches.length).toBe(Math.ceil(T / 2));
      const out = await runKernel(device, run, {
        gates: projection,
        recurrentKernel: inputs.recurrentKernel,
        ...(inputs.bias ? { bias: inputs.bias } : {}),
        ...(side.data ? { side: side.data } : {}),
        h: B * T * U,
        saved: B * T * U,
        lastStates: 2 * B * U,
      });
      const expected = forward(projection, inputs, shape, c);
      expect(relativeError(out.gates!, expected.gates), 'gates').toBeLessThan(TOLERANCE);
      expect(relativeError(out.h!, expected.h), 'h').toBeLessThan(TOLERANCE);
      if (expected.saved) expect(relativeError(out.saved!, expected.saved), 'saved').toBeLessThan(TOLERANCE);
      const last = writeLast ? lastStates(expected.h, B, T, U) : new Float32Array(B * U);
      expect(relativeError(out.lastStates!.subarray(0, B * U), last), 'last').toBeLessThan(TOLERANCE);
      if (c.cell === 'LSTM') {
        const lastSaved = writeLast ? lastStates(expected.saved!, B, T, U) : new Float32Array(B * U);
        expect(relativeError(out.lastStates!.subarray(B * U), lastSaved), 'lastSaved').toBeLessThan(TOLERANCE);
      }
    },
  );
});
