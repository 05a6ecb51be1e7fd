import { describe, expect, it } from 'vitest';
import { chooseStrategy, deviceTraits } from '../src/kernels/strategy.js';
import { describeWeightGradients } from '../src/kernels/weight-gradients.js';
import { createSimpleRNN } from '../src/kernels/simple-rnn.js';
import { random, relativeError } from './helpers/data.js';
import { layerData, referenceOf, runLayer } from './helpers/layer-case.js';
import {
  runWeightGradients,
  weightGradientsData,
  weightGradientsReference,
  weightGradientsSide,
  type WeightGradientsCase,
  type WeightGradientsData,
} from './helpers/weight-gradients-case.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerance: float32 sums over batch·timesteps rows against float64, relative to each output's
// largest magnitude.
const TOLERANCE = 1e-5;

// The cells' layouts: SimpleRNN (1 gate), LSTM (4), GRU (3; savedOperand: r ⊙ h_{s-1} for h̃),
// GRU resetAfter (3 gates, 4 gradient blocks, 2 bias rows). dropout: dropout masks on x and h_{s-1}.
const cases: Case[] = [
  {
    batch: 1,
    timesteps: 1,
    features: 1,
    units: 1,
    gates: 1,
    gradientBlocks: 1,
    biasRows: 1,
    savedOperand: false,
    goBackwards: false,
    useInitialState: false,
    gemm: [4, 1],
    tiles: 4,
  },
  {
    batch: 5,
    timesteps: 3,
    features: 1,
    units: 50,
    gates: 1,
    gradientBlocks: 1,
    biasRows: 1,
    savedOperand: false,
    goBackwards: false,
    useInitialState: false,
    gemm: [4, 1],
    tiles: 4,
  },
  {
    batch: 5,
    timesteps: 3,
    features: 3,
    units: 50,
    gates: 4,
    gradientBlocks: 4,
    biasRows: 0,
    savedOperand: false,
    goBackwards: true,
    useInitialState: true,
    dropout: true,
    gemm: [8, 8],
    tiles: 2,
  },
  {
    batch: 33,
    timesteps: 17,
    features: 8,
    units: 65,
    gates: 3,
    gradientBlocks: 3,
    biasRows: 1,
    savedOperand: true,
    goBackwards: true,
    useInitialState: true,
    dropout: true,
    gemm: [4, 1],
    tiles: 4,
  },
  {
    batch: 3,
    timesteps: 5,
    features: 5,
    units: 130,
    gates: 3,
    gradientBlocks: 4,
    biasRows: 2,
    savedOperand: false,
    goBackwards: false,
    useInitialState: true,
    gemm: [16, 4],
    tiles: 2,
  },
  {
    batch: 7,
    timesteps: 2,
    features: 13,
    units: 6,
    gates: 4,
    gradientBlocks: 4,
    biasRows: 1,
    savedOperand: false,
    goBackwards: true,
    useInitialState: false,
    dropout: true,
    gemm: [1, 1],
    tiles: 1,
  },
  {
    batch: 2,
    timesteps: 3,
    features: 2,
    units: 7,
    gates: 3,
    gradientBlocks: 4,
    biasRows: 0,
    savedOperand: false,
    goBackwards: true,
    useInitialState: false,
    gemm: [4, 1],
    tiles: 4,
  },
];

// tiles: strategy.weightGradientTiles, the 4-row tiles of dRecurrentKernel an invocation sums.
type Case = WeightGradientsCase & { readonly gemm: readonly [number, number]; readonly tiles: 1 | 2 | 4 };

function run(device: GPUDevice, c: Case, data: WeightGradientsData) {
  // One split: this kernel's outputs are the gradients (more splits' partials are added by
  // weight-gradient-splits, which the layers' tests run), whatever the table would split.
  const strategy = chooseStrategy(deviceTraits(device), c, {
    gemmWorkgroup: c.gemm,
    weightGradientTiles: c.tiles,
    weightGradientRows: c.batch * c.timesteps,
  });
  const layout = weightGradientsSide(device, c);
  return runWeightGradients(device, c, data, describeWeightGradients(c, { ...c, side: layout }, strategy), layout);
}

const reference = weightGradientsReference;

describe('weight-gradients kernel vs reference', async () => {
  const device = await getDevice();

  it.each(cases)(
    'B$batch T$timesteps F$features U$units G$gates/$gradientBlocks bias rows $biasRows ' +
      'saved=$savedOperand back=$goBackwards h0=$useInitialState dropout=$dropout wg=$gemm tiles=$tiles',
    async (c) => {
      const data = weightGradientsData(c);
      const out = await run(device, c, data);
      const expected = reference(c, data);
      expect(relativeError(out.dKernel!, expected.dKernel), 'dKernel').toBeLessThan(TOLERANCE);
      expect(relativeError(out.dRecurrentKernel!, expected.dRecurrentKernel), 'dRecurrentKernel').toBeLessThan(
        TOLERANCE,
      );
      if (c.biasRows > 0) expect(relativeError(out.dBias!, expected.dBias), 'dBias').toBeLessThan(TOLERANCE);
      else expect(out.dBias, 'dBias untouched').toEqual(new Float32Array(c.gates * c.units));
    },
  );

  it('keeps an Infinity an Infinity: padding rows and the first step are masked, not multiplied by 0', async () => {
    // 5 rows: the last block of 4 pads 3 rows with copies of row 4, whose gradient is +Infinity.
    const c = { ...cases[0]!, batch: 5, timesteps: 1, features: 2, units: 2, useInitialState: true };
    const data = {
      x: Float32Array.from({ length: 10 }, (_, i) => 1 + i),
      h: new Float32Array(10).fill(0.5),
      initialState: new Float32Array(10).fill(2),
      dGates: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, Infinity, 1),
      saved: new Float32Array(10),
    };
    const out = await run(device, c, data);
    const expected = reference(c, data);
    expect(expected.dKernel[0]).toBe(Infinity);
    expect(relativeError(out.dKernel!, expected.dKernel), 'dKernel').toBeLessThan(TOLERANCE);
    expect(relativeError(out.dRecurrentKernel!, expected.dRecurrentKernel), 'dRecurrentKernel').toBeLessThan(TOLERANCE);
    expect(relativeError(out.dBias!, expected.dBias), 'dBias').toBeLessThan(TOLERANCE);
  });

  it('sums 262,144 rows accurately, in splits and blocks, where a plain float32 running sum does not', async () => {
    // The whole backward of a linear SimpleRNN with recurrent kernel 0 and kernel 1, so dz = dh and
    // dBias = dKernel = Σ dh: terms near 1000 with a random fraction. A running float32 sum reaches
    // 2.6e8, where its spacing (32) swallows their fractions; 8 splits of 32,768 rows, each summed in
    // blocks of 256, keep the error near float32's own.
    const config = {
      batch: 2048,
      timesteps: 128,
      features: 1,
      units: 1,
      activation: 'linear',
      strategy: { gemmWorkgroup: [4, 1] },
    } as const;
    expect(createSimpleRNN(device, config).dispatches.backward, 'a fourth dispatch adds up the splits').toBe(4);
    const rng = random(262_144);
    const rows = config.batch * config.timesteps;
    const data = {
      ...layerData('SimpleRNN', config, 1),
      x: new Float32Array(rows).fill(1),
      kernel: Float32Array.of(1),
      recurrentKernel: Float32Array.of(0),
      dh: Float32Array.from({ length: rows }, () => 1000 + rng()),
    };
    let runningSum = 0;
    for (const d of data.dh) runningSum = Math.fround(runningSum + d);
    const gpu = await runLayer(device, 'SimpleRNN', config, data);
    const { backward } = referenceOf('SimpleRNN', config, data, gpu);
    expect(relativeError([runningSum], backward.dBias!), 'a plain running sum').toBeGreaterThan(1e-4);
    expect(relativeError(gpu.dBias!, backward.dBias!), 'dBias').toBeLessThan(1e-5);
    expect(relativeError(gpu.dKernel!, backward.dKernel!), 'dKernel').toBeLessThan(1e-5);
  });
});
