import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../src/kernels/activation.js';
import { resolveConfig, type SimpleRNNConfig } from '../src/kernels/config.js';
import { createSimpleRNN } from '../src/kernels/simple-rnn.js';
import { simpleRNNBackwardRef, simpleRNNForwardRef } from '../src/kernels/simple-rnn.ref.js';
import type { Strategy } from '../src/kernels/strategy.js';
import { relativeError } from './helpers/data.js';
import { caseData, runSimpleRNN } from './helpers/simple-rnn-case.js';
import { getDevice } from './helpers/webgpu.js';

// Tolerances, as errors relative to each output's largest magnitude (see relativeError):
// forward in float32 against the float64 reference, and backward, whose sums run over every
// timestep and batch row.
const FORWARD_TOLERANCE = 1e-5;
const BACKWARD_TOLERANCE = 1e-4;

const stepwise: Partial<Strategy> = { recurrence: 'stepwise', recurrenceWorkgroupSize: 16 };
const staged: Partial<Strategy> = { recurrence: 'persistent', weightsInWorkgroup: true, recurrenceWorkgroupSize: 32 };

type Row = [batch: number, timesteps: number, features: number, units: number, activation: Activation, goBackwards: boolean, useBias: boolean, useInitialState: boolean, strategy?: Partial<Strategy>];

// A covering set of B ∈ {1, 5, 33}, T ∈ {1, 3, 17}, F ∈ {1, 3, 8}, U ∈ {1, 2, 50, 64, 65, 130, 257, 1024}:
// every activation in both directions, bias and initial state on and off, and the three strategies
// (the adapter's default, stepwise, weights in workgroup memory).
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
];

const cases = rows.map(([batch, timesteps, features, units, activation, goBackwards, useBias, useInitialState, strategy], i) => ({
  name: `B${batch} T${timesteps} F${features} U${units} ${activation}${goBackwards ? ' backwards' : ''}${useBias ? '' : ' no-bias'}${useInitialState ? ' h0' : ''}${strategy ? ` ${strategy.recurrence}${strategy.weightsInWorkgroup ? '+workgroup-weights' : ''}` : ''}`,
  seed: 1000 + i,
  config: { batch, timesteps, features, units, activation, goBackwards, useBias, useInitialState, ...(strategy ? { strategy } : {}) } satisfies SimpleRNNConfig,
}));

describe('fused SimpleRNN on WebGPU vs the float64 reference', async () => {
  const device = await getDevice();

  it('covers every activation in both directions', () => {
    for (const activation of ACTIVATIONS) {
      for (const back of [false, true]) {
        expect(rows.some((r) => r[4] === activation && r[5] === back), `${activation} goBackwards=${back}`).toBe(true);
      }
    }
  });

  it.each(cases)('$name', async ({ config, seed }) => {
    const data = caseData(config, seed);
    const gpu = await runSimpleRNN(device, config, data);
    const resolved = resolveConfig(config);
    const forward = simpleRNNForwardRef(data, resolved);
    expect(relativeError(gpu.h, forward.h), 'h').toBeLessThan(FORWARD_TOLERANCE);
    expect(relativeError(gpu.z, forward.z), 'z').toBeLessThan(FORWARD_TOLERANCE);
    // Gradients from the GPU's own z and h, so kinks (relu at 0) are judged on the same inputs.
    const backward = simpleRNNBackwardRef({ ...data, z: gpu.z, h: gpu.h }, resolved);
    expect(relativeError(gpu.dx, backward.dx), 'dx').toBeLessThan(BACKWARD_TOLERANCE);
    expect(relativeError(gpu.dKernel, backward.dKernel), 'dKernel').toBeLessThan(BACKWARD_TOLERANCE);
    expect(relativeError(gpu.dRecurrentKernel, backward.dRecurrentKernel), 'dRecurrentKernel').toBeLessThan(BACKWARD_TOLERANCE);
    expect(relativeError(gpu.dInitialState, backward.dInitialState), 'dInitialState').toBeLessThan(BACKWARD_TOLERANCE);
    if (resolved.useBias) expect(relativeError(gpu.dBias!, backward.dBias), 'dBias').toBeLessThan(BACKWARD_TOLERANCE);
    else expect(gpu.dBias).toBeNull();
  });

  it('takes B·T past 65,536 rows, where the GEMMs fold their row tiles into a second grid dimension', async () => {
    // 262,148 rows: 65,537 row tiles of 4 exceed the 65,535 workgroups one grid dimension allows
    // (one row tile per workgroup on every adapter: the hardware table's 8 would not need the fold).
    // Fails on llvmpipe (project opengl) until weight-gradients splits its reduction: one invocation
    // loops over all 65,537 blocks of 4 rows, past llvmpipe's 65,535 (test/adapter-loop-budget.test.ts).
    const config = { batch: 65_537, timesteps: 4, features: 1, units: 1, activation: 'tanh', goBackwards: true, strategy: { gemmWorkgroup: [4, 1] } } as const;
    const rnn = createSimpleRNN(device, config);
    const folded = rnn.forwardRuns[0]!.dispatches[0]!.workgroups;
    expect(folded[2], 'the projection grid folds into z').toBeGreaterThan(1);
    const data = caseData(config, 99);
    const gpu = await runSimpleRNN(device, config, data);
    const resolved = resolveConfig(config);
    const forward = simpleRNNForwardRef(data, resolved);
    expect(relativeError(gpu.h, forward.h), 'h').toBeLessThan(FORWARD_TOLERANCE);
    const backward = simpleRNNBackwardRef({ ...data, z: gpu.z, h: gpu.h }, resolved);
    expect(relativeError(gpu.dx, backward.dx), 'dx').toBeLessThan(BACKWARD_TOLERANCE);
    expect(relativeError(gpu.dKernel, backward.dKernel), 'dKernel').toBeLessThan(BACKWARD_TOLERANCE);
    expect(relativeError(gpu.dRecurrentKernel, backward.dRecurrentKernel), 'dRecurrentKernel').toBeLessThan(BACKWARD_TOLERANCE);
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
    GPUCommandEncoder.prototype.beginComputePass = function (this: GPUCommandEncoder, descriptor?: GPUComputePassDescriptor) {
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
      const inputs = { x: up(data.x), kernel: up(data.kernel), recurrentKernel: up(data.recurrentKernel), bias: up(data.bias) };
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
