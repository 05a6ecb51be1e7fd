import { describe, expect, it } from 'vitest';
import type { KernelRun } from '../src/gpu/kernel.js';
import { cellShape } from '../src/kernels/cell.js';
import { describeRecurrenceBackward } from '../src/kernels/recurrence-backward.js';
import { describeRecurrenceForward } from '../src/kernels/recurrence-forward.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { random, relativeError, uniform } from './helpers/data.js';
import { CELLS, sideInputs, withWorkgroupStorage, type CellName } from './helpers/recurrence-case.js';
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
  products: 'loops',
};
const staged: Partial<Strategy> = {
  recurrence: 'persistent',
  recurrenceWorkgroupSize: 32,
  weightsInWorkgroup: true,
  maxStepsPerDispatch: 1,
  products: 'loops',
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
  workgroupStorage?: number,
): Setup {
  const { cell, forward, backward } = CELLS[name];
  // 32 unit tiles (2 per lane) normally; fewer units when the weights must fit workgroup memory.
  const units = strategy.weightsInWorkgroup ? 40 : 128;
  const shape = cellShape({ batch: 4, timesteps: 4, features: 1, units }, cell);
  const { batch: B, timesteps: T, units: U, gates: G } = shape;
  const rng = random(units + G);
  const traits = withWorkgroupStorage(deviceTraits(device), workgroupStorage);
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

/**
 * Whether removing barrier `index` breaks one of `cells`' kernels, tried in turn until one breaks. Each
 * cell's intact kernel (under the strategy the barrier's mutant runs with) is checked against the reference
 * once, when a mutant first needs it.
 */
function mutantsBroken(
  device: GPUDevice,
  direction: 'forward' | 'backward',
  strategyFor: (index: number) => Partial<Strategy>,
  workgroupStorage?: number,
) {
  const intact = new Map<string, Setup>();
  const checked = async (name: CellName, strategy: Partial<Strategy>) => {
    const key = `${name} ${JSON.stringify(strategy)}`;
    let test = intact.get(key);
    if (!test) {
      test = setup(device, name, direction, strategy, workgroupStorage);
      expect(await error(device, test), `${name}, the intact kernel`).toBeLessThan(TOLERANCE);
      intact.set(key, test);
    }
    return test;
  };
  return async (index: number, cells: readonly CellName[]): Promise<boolean> => {
    for (const name of cells) {
      const test = await checked(name, strategyFor(index));
      if ((await error(device, { ...test, run: withoutBarrier(test.run, index) })) > TOLERANCE) return true;
    }
    return false;
  };
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
    const broken = mutantsBroken(device, direction, (index) =>
      BARRIERS[index] === 'workgroupBarrier();' ? staged : unstaged,
    );
    for (const [index, barrier] of BARRIERS.entries()) {
      expect(
        await broken(index, CELL_NAMES),
        `without barrier ${index} (${barrier}), some cell's results are wrong`,
      ).toBe(true);
    }
  });
});

// Cooperative products (recurrence-products-cooperative.wgsl) add four workgroup barriers of their own,
// before the drivers': before staging a chunk of the operand (its last readers are done), after staging
// it, after the partial sums, and after adding them up. 32 lanes (8 of SwiftShader's groups, 4 of
// llvmpipe's) in persistent mode over 32 groups of unit tiles, the operand in 3 chunks (2 KiB of
// workgroup memory), so that each barrier stands between lanes of different groups; each mutant runs
// cells until one breaks. The third (partial sums written, then added up by other lanes) is what WGSL's
// memory model requires, but neither emulator shows its race: with it removed, SimpleRNN and GRU in
// both directions and at 8 to 128 lanes still matched the reference on SwiftShader and on llvmpipe. So
// the mutants here are the other three.
const cooperative: Partial<Strategy> = {
  recurrence: 'persistent',
  recurrenceWorkgroupSize: 32,
  weightsInWorkgroup: false,
  products: 'cooperative',
};
const COOPERATIVE_BARRIERS = 4;
// LSTM's 4 terms spread the sums a cell lane reads over 16 lanes: llvmpipe's groups are 8 lanes wide.
const COOPERATIVE_CELLS = ['SimpleRNN', 'GRU', 'LSTM'] as const;
const COOPERATIVE_MUTANTS = [0, 1, 3];

describe("the cooperative products' barriers are needed: removing one breaks a cell's kernel", async () => {
  const device = await getDevice();

  it.each(['forward', 'backward'] as const)('%s', async (direction) => {
    const code = setup(device, 'SimpleRNN', direction, cooperative, 2048).run.spec.code;
    expect([...code.matchAll(BARRIER)].slice(0, COOPERATIVE_BARRIERS).map((m) => m[0])).toEqual(
      Array(COOPERATIVE_BARRIERS).fill('workgroupBarrier();'),
    );
    const broken = mutantsBroken(device, direction, () => cooperative, 2048);
    for (const index of COOPERATIVE_MUTANTS) {
      expect(
        await broken(index, COOPERATIVE_CELLS),
        `without the cooperative products' barrier ${index}, some cell's results are wrong`,
      ).toBe(true);
    }
  });
});
