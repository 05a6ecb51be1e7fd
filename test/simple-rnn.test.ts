import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../src/kernels/activation.js';
import type { SimpleRNNConfig } from '../src/kernels/config.js';
import { createSimpleRNN } from '../src/kernels/simple-rnn.js';
import type { Strategy } from '../src/kernels/strategy.js';
import { caseData } from './helpers/simple-rnn-case.js';
import { compareWithReference, outOfTolerance } from './helpers/layer-case.js';
import { hardwareStrategy, specialValueCases, specialValues } from './helpers/layer-grid.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerances: forward 1e-5, backward 1e-4, relative to each output's largest magnitude (layer-case.ts).

const stepwise: Partial<Strategy> = { recurrence: 'stepwise', recurrenceWorkgroupSize: 16 };
const staged: Partial<Strategy> = { recurrence: 'persistent', weightsInWorkgroup: true, recurrenceWorkgroupSize: 32 };
const hardware = 'hardware';

type Row = [
  batch: number,
  timesteps: number,
  features: number,
  units: number,
  activation: Activation,
  goBackwards: boolean,
  useBias: boolean,
  useInitialState: boolean,
  strategy?: Partial<Strategy> | typeof hardware,
];

// A covering set of B ∈ {1, 5, 33}, T ∈ {1, 3, 17}, F ∈ {1, 3, 8}, U ∈ {1, 2, 50, 64, 65, 130, 257, 520, 1024}:
// every activation in both directions, bias and initial state on and off, and the strategies (the
// adapter's default, stepwise, weights in workgroup memory, the hardware half of the table forced,
// weight gradients in splits).
const rows: Row[] = [
  [1, 1, 1, 1, 'tanh', false, true, false],
  [5, 3, 1, 50, 'relu', false, true, false],
  [5, 3, 1, 50, 'relu', true, true, true, stepwise],
  [33, 17, 3, 2, 'sigmoid', true, false, true],
  [1, 17, 8, 64, 'relu6', false, true, true],
  [5, 1, 3, 65, 'elu', true, true, false, staged],
  [33, 3, 8, 50, 'selu', false, false, true, stepwise],
  [1, 3, 1, 130, 'softsign', true, true, true],
  [5, 17, 8, 257, 'softplus', false, true, false],
  [1, 3, 3, 1024, 'hardSigmoid', true, true, true],
  [33, 1, 1, 64, 'swish', false, true, true, staged],
  [5, 3, 8, 2, 'mish', true, false, false],
  [1, 17, 1, 65, 'gelu', false, true, true, stepwise],
  [33, 3, 3, 130, 'gelu_new', true, true, false],
  [5, 17, 1, 1, 'linear', true, true, true],
  [1, 1, 8, 257, 'tanh', true, false, true, stepwise],
  [5, 3, 3, 1024, 'relu', false, true, false, stepwise],
  [33, 17, 8, 65, 'tanh', false, true, true],
  [1, 3, 1, 2, 'sigmoid', false, true, false, stepwise],
  [5, 17, 3, 130, 'relu6', true, false, false],
  [33, 1, 8, 1, 'elu', false, true, true],
  [1, 17, 3, 50, 'selu', true, true, false, staged],
  [5, 1, 1, 64, 'softsign', false, false, true],
  [33, 3, 1, 65, 'softplus', true, true, true, stepwise],
  [1, 3, 8, 257, 'hardSigmoid', false, true, false],
  [5, 17, 1, 2, 'swish', true, true, true],
  [33, 3, 3, 50, 'mish', false, true, true],
  [1, 1, 1, 130, 'gelu', true, false, false],
  [5, 3, 8, 64, 'gelu_new', false, true, true, stepwise],
  [33, 17, 1, 1, 'linear', false, false, false, stepwise],
  [5, 3, 1, 50, 'relu', false, true, true, hardware],
  [2, 3, 3, 520, 'tanh', true, true, false, hardware],
  [33, 17, 3, 65, 'tanh', false, true, true, hardware],
  [33, 17, 8, 2, 'tanh', true, true, true, { weightGradientRows: 256 }],
];

describe('fused SimpleRNN on WebGPU vs the float64 reference', async () => {
  const device = await getDevice();
  const cases = rows.map(
    ([batch, timesteps, features, units, activation, goBackwards, useBias, useInitialState, strategy], i) => {
      const shape = { batch, timesteps, features, units, activation, goBackwards, useBias, useInitialState };
      const resolved = strategy === hardware ? hardwareStrategy(device, 'SimpleRNN', shape) : strategy;
      const strategyName =
        strategy === hardware
          ? `hardware ${resolved!.recurrence} ${resolved!.recurrenceWorkgroupSize} lanes`
          : (strategy?.recurrence ?? '');
      return {
        name:
          `B${batch} T${timesteps} F${features} U${units} ${activation}${goBackwards ? ' backwards' : ''}` +
          `${useBias ? '' : ' no-bias'}${useInitialState ? ' h0' : ''} ` +
          `${strategyName}${resolved?.weightsInWorkgroup ? '+workgroup-weights' : ''}`,
        seed: 1000 + i,
        config: { ...shape, ...(resolved ? { strategy: resolved } : {}) } satisfies SimpleRNNConfig,
      };
    },
  );

  it('covers every activation in both directions', () => {
    for (const activation of ACTIVATIONS) {
      for (const back of [false, true]) {
        expect(
          rows.some((r) => r[4] === activation && r[5] === back),
          `${activation} goBackwards=${back}`,
        ).toBe(true);
      }
    }
  });

  it.each(cases)('$name', async ({ config, seed }) => {
    expect(outOfTolerance(await compareWithReference(device, 'SimpleRNN', config, seed))).toEqual([]);
  });

  it('passes NaN and ±Infinity through every activation, forward and backward, as the reference does', async () => {
    const bad: string[] = [];
    for (const { name, config, seed } of specialValueCases('SimpleRNN')) {
      const result = await compareWithReference(
        device,
        'SimpleRNN',
        config,
        seed,
        {},
        specialValues('SimpleRNN', config, seed),
      );
      bad.push(...outOfTolerance(result).map((e) => `${name}: ${e}`));
    }
    expect(bad).toEqual([]);
  });

  it('runs a batch of 262,144 rows: 65,536 row tiles, folded into a second grid dimension', async () => {
    // 65,536 row tiles of 4 exceed the 65,535 workgroups one grid dimension allows (one row tile per
    // GEMM workgroup on every adapter: the hardware table's 8 would not need the fold; and one per
    // recurrence workgroup with products by loops, where unrolled ones take 4 per workgroup).
    const config = {
      batch: 262_144,
      timesteps: 2,
      features: 1,
      units: 1,
      activation: 'tanh',
      goBackwards: true,
      useInitialState: true,
      strategy: { gemmWorkgroup: [4, 1], products: 'loops' },
    } as const;
    const rnn = createSimpleRNN(device, config);
    expect(rnn.forwardRuns[1]!.dispatches[0]!.workgroups[2], 'the recurrence grid folds into z').toBe(2);
    expect(rnn.forwardRuns[0]!.dispatches[0]!.workgroups[2], 'the projection grid folds into z').toBeGreaterThan(1);
    expect(outOfTolerance(await compareWithReference(device, 'SimpleRNN', config, 99))).toEqual([]);
  });

  it('runs the seed shape (B 5, T 3, F 1, U 50) in at most 4 dispatches forward and 4 backward', async () => {
    const config = { batch: 5, timesteps: 3, features: 1, units: 50, activation: 'relu' } as const;
    const rnn = createSimpleRNN(device, config);
    expect(rnn.dispatches.forward).toBeLessThanOrEqual(4);
    expect(rnn.dispatches.backward).toBeLessThanOrEqual(4);
    // Count what really reaches the encoder, not just what the description says.
    const data = caseData(config, 7);
    const counted = { forward: 0, backward: 0 };
    let phase: keyof typeof counted = 'forward';
    const original = GPUCommandEncoder.prototype.beginComputePass;
    GPUCommandEncoder.prototype.beginComputePass = function (
      this: GPUCommandEncoder,
      descriptor?: GPUComputePassDescriptor,
    ) {
      const pass = original.call(this, descriptor);
      const dispatch = pass.dispatchWorkgroups.bind(pass);
      pass.dispatchWorkgroups = (...args: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) => {
        counted[phase]++;
        dispatch(...args);
      };
      return pass;
    };
    try {
      const { createFloat32Buffer } = await import('../src/gpu/buffers.js');
      const up = (a: Float32Array) => createFloat32Buffer(device, a);
      const inputs = {
        x: up(data.x),
        kernel: up(data.kernel),
        recurrentKernel: up(data.recurrentKernel),
        bias: up(data.bias),
      };
      const encoder = device.createCommandEncoder();
      const forward = rnn.encodeForward(encoder, inputs);
      phase = 'backward';
      const backward = rnn.encodeBackward(encoder, { ...inputs, ...forward, dh: up(data.dh) });
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      for (const b of [...Object.values(inputs), ...Object.values(forward), ...Object.values(backward)]) b?.destroy();
    } finally {
      GPUCommandEncoder.prototype.beginComputePass = original;
    }
    expect(counted).toEqual({ forward: rnn.dispatches.forward, backward: rnn.dispatches.backward });
    expect(counted.forward).toBeLessThanOrEqual(4);
    expect(counted.backward).toBeLessThanOrEqual(4);
  });
});
