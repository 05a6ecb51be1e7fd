import { describe, expect, it } from 'vitest';
import type { KernelRun } from '../src/gpu/kernel.js';
import { cellShape } from '../src/kernels/cell.js';
import { describeRecurrenceBackward } from '../src/kernels/recurrence-backward.js';
import { describeRecurrenceForward } from '../src/kernels/recurrence-forward.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { CELLS, sideInputs, type CellName } from './helpers/recurrence-case.js';
import { runKernel } from './helpers/run-kernel.js';
import { BARRIER, withoutBarrier } from './helpers/barriers.js';
import { getDevice } from './helpers/webgpu.js';

// A mutation test of the recurrence kernels' synchronisation: each barrier is removed from the
// forward and backward kernels in turn, and the mutant must give wrong results where the intact
// kernel matches the reference, for SimpleRNN's kernel or GRU's. The barriers live in the drivers,
// which every cell shares; GRU's two phases per step rely on one more than SimpleRNN's one.
//
// SwiftShader runs a workgroup as groups of 4 lanes in lockstep (llvmpipe: 8) and switches between
// groups only at barriers, so a missing barrier shows when a workgroup has several groups and each
// lane several tiles: one group then runs every step before another wrote the state it reads. So:
// 16 lanes over 32 unit tiles. The barrier after staging the weights in workgroup memory only exists
// with weightsInWorkgroup: its mutant runs staged with 32 lanes (all of them stage), one step per
// dispatch (the backward's first stage reads no weights, so a later dispatch's first stage catches it).

const TOLERANCE = 1e-5;

const unstaged: Partial<Strategy> = {
  recurrence: 'persistent',
  recurrenceWorkgroupSize: 16,
  weightsInWorkgroup: false,
};
const staged: Partial<Strategy> = {
  recurrence: 'persistent',
  recurrenceWorkgroupSize: 32,
  weightsInWorkgroup: true,
  maxStepsPerDispatch: 1,
};

interface Setup {
  readonly run: KernelRun;
  readonly data: Record<string, Float32Array | number>;
  /** The reference's value of each output the check compares. */
  readonly expected: Record<string, ArrayLike<number>>;
}

/** Inputs, kernel run and expected outputs of one cell's forward or backward recurrence. */
function setup(
  device: GPUDevice,
  name: CellName,
  direction: 'forward' | 'backward',
  strategy: Partial<Strategy>,
): Setup {
  const { cell, forward, backward } = CELLS[name];
  // 32 unit tiles (2 per lane) normally; fewer units when the weights must fit workgroup memory.
  const units = strategy.weightsInWorkgroup ? 40 : 128;
  const shape = cellShape({ batch: 4, timesteps: 4, features: 1, units }, cell);
  const { batch: B, timesteps: T, units: U, gates: G } = shape;
  const rng = random(units + G);
  const traits = deviceTraits(device);
  const resolved = chooseStrategy(traits, shape, strategy);
  const activations = { activation: 'tanh', recurrentActivation: 'sigmoid' } as const;
  const inputs = {
    recurrentKernel: uniform(U * G * U, 1 / Math.sqrt(U), rng),
    initialState: uniform(B * U, 1, rng),
    initialCellState: name === 'LSTM' ? uniform(B * U, 1, rng) : null,
    bias: null,
  };
  const projection = uniform(B * T * G * U, 1, rng);
  const saved = forward(projection, inputs, shape, activations);
  const side = sideInputs(device, shape, inputs);
  const cellInputs = { ...activations, goBackwards: false, side: side.layout };
  if (direction === 'forward') {
    const run = describeRecurrenceForward(
      cell,
      shape,
      { ...cellInputs, hasCellInput: false, writeLast: false, writeLastSaved: false },
      resolved,
      traits,
    );
    return {
      run,
      data: {
        gates: projection,
        recurrentKernel: inputs.recurrentKernel,
        side: side.data!,
        h: B * T * U,
        saved: B * T * U,
      },
      expected: { gates: saved.gates, h: saved.h },
    };
  }
  const dh = uniform(B * T * U, 1, rng);
  const run = describeRecurrenceBackward(
    cell,
    shape,
    { ...cellInputs, lastStepOnly: false, hasSavedGradient: false },
    resolved,
    traits,
  );
  const f32 = (a: ArrayLike<number> | null) => (a ? Float32Array.from(a) : null);
  const arrays = { dh, dcLast: null, gates: f32(saved.gates)!, h: f32(saved.h)!, saved: f32(saved.saved) };
  const expected = backward(arrays, inputs, shape, activations);
  const given = Object.fromEntries(Object.entries(arrays).flatMap(([k, v]) => (v ? [[k, v]] : [])));
  return {
    run,
    data: {
      ...given,
      recurrentKernel: inputs.recurrentKernel,
      side: side.data!,
      dGates: B * T * shape.gradientBlocks * U,
      dStates: 2 * B * U,
    },
    // dStates' first block is the initial state's gradient.
    expected: { dGates: expected.dGates!, dStates: expected.dInitialState! },
  };
}

/** The largest error of the compared outputs. */
async function error(device: GPUDevice, { run, data, expected }: Setup): Promise<number> {
  const out = await runKernel(device, run, data);
  return Math.max(
    ...Object.entries(expected).map(([name, values]) => relativeError(out[name]!.subarray(0, values.length), values)),
  );
}

// Each driver has the staging barrier, then one after each phase of a step; the second phase's only
// GRU (without resetAfter) has, so each barrier must break SimpleRNN's kernel or GRU's.
const CELL_NAMES = ['SimpleRNN', 'GRU'] as const;
const BARRIERS = ['workgroupBarrier();', 'storageBarrier();', 'storageBarrier();'];

describe('every barrier of the recurrence kernels is needed: removing one breaks a test', async () => {
  const device = await getDevice();

  it.each(['forward', 'backward'] as const)('%s', async (direction) => {
    for (const name of CELL_NAMES) {
      expect(
        [...setup(device, name, direction, unstaged).run.spec.code.matchAll(BARRIER)].map((m) => m[0]),
        name,
      ).toEqual(BARRIERS);
    }
    for (const [index, barrier] of BARRIERS.entries()) {
      const broken: string[] = [];
      for (const name of CELL_NAMES) {
        const test = setup(device, name, direction, barrier === 'workgroupBarrier();' ? staged : unstaged);
        expect(await error(device, test), `${name}, the intact kernel`).toBeLessThan(TOLERANCE);
        if ((await error(device, { ...test, run: withoutBarrier(test.run, index) })) > TOLERANCE) broken.push(name);
      }
      expect(broken.length, `without barrier ${index} (${barrier}), some cell's results are wrong`).toBeGreaterThan(0);
    }
  });
});
