import { describe, expect, it } from 'vitest';
import { createGRU } from '../src/kernels/gru.js';
import { createLSTM, type LSTMBackwardInputs, type LSTMForwardInputs } from '../src/kernels/lstm.js';
import { createSimpleRNN } from '../src/kernels/simple-rnn.js';
import { getDevice, trackBuffers } from './helpers/webgpu.js';

// Bad input to any of the three layers gets an error naming the argument and what was expected,
// before anything is allocated.

const seed = { batch: 5, timesteps: 3, features: 1, units: 50 } as const;
const factories = { createSimpleRNN, createLSTM, createGRU } as Record<
  string,
  (device: GPUDevice, config: object) => unknown
>;

describe('bad input to createSimpleRNN, createLSTM and createGRU', async () => {
  const device = await getDevice();
  const buffer = (floats: number, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC) =>
    device.createBuffer({ size: floats * 4, usage });

  const badCalls: [string, unknown, object, RegExp][] = [
    ['no device', null, seed, /device: expected a GPUDevice; got null/],
    ['a device that is not one', { limits: {} }, seed, /device: expected a GPUDevice; got an object/],
    [
      'no config',
      'device',
      null as unknown as object,
      /config: expected an object with batch, timesteps, features, units; got null/,
    ],
    [
      'an unknown config field',
      'device',
      { ...seed, useInitalState: true },
      /config\.useInitalState: not a field of this layer's config; expected one of batch, timesteps/,
    ],
    [
      'a bogus recurrence',
      'device',
      { ...seed, strategy: { recurrence: 'bogus' } },
      /config\.strategy\.recurrence: expected 'persistent' or 'stepwise'; got "bogus"/,
    ],
    [
      'a fractional workgroup size',
      'device',
      { ...seed, strategy: { recurrenceWorkgroupSize: 2.5 } },
      /config\.strategy\.recurrenceWorkgroupSize: expected a positive integer; got 2\.5/,
    ],
    [
      'a zero workgroup size',
      'device',
      { ...seed, strategy: { recurrenceWorkgroupSize: 0 } },
      /config\.strategy\.recurrenceWorkgroupSize: expected a positive integer; got 0/,
    ],
    [
      'a negative GEMM workgroup',
      'device',
      { ...seed, strategy: { gemmWorkgroup: [4, -1] } },
      /config\.strategy\.gemmWorkgroup: expected two positive integers \[x, y\]; got an array/,
    ],
    [
      'fractional steps per dispatch',
      'device',
      { ...seed, strategy: { maxStepsPerDispatch: 0.5 } },
      /config\.strategy\.maxStepsPerDispatch: expected a positive integer; got 0\.5/,
    ],
    [
      'input-gradient slices past a workgroup',
      'device',
      { ...seed, strategy: { inputGradientSlices: 512 } },
      /config\.strategy\.inputGradientSlices: expected an integer from 1 to 256; got 512/,
    ],
    [
      'an unknown strategy field',
      'device',
      { ...seed, strategy: { workgroupSize: 4 } },
      /config\.strategy\.workgroupSize: not a strategy field; expected one of recurrence, recurrenceWorkgroupSize/,
    ],
    [
      'a strategy that is not an object',
      'device',
      { ...seed, strategy: 'fast' },
      /config\.strategy: expected an object of strategy overrides; got "fast"/,
    ],
    [
      'an unknown workgroup order',
      'device',
      { ...seed, strategy: { workgroupOrder: 'random' } },
      /config\.strategy\.workgroupOrder: expected 'natural', 'reversed', 'interleaved'; got "random"/,
    ],
    [
      'an unknown recurrent activation',
      'device',
      { ...seed, recurrentActivation: 'hardsigmoid' },
      /config\.recurrentActivation: expected one of linear, tanh, .*; got "hardsigmoid"/,
    ],
    [
      'features past the workgroup grid',
      'device',
      { batch: 1, timesteps: 1, features: 1_100_000, units: 1, strategy: { gemmWorkgroup: [4, 1] } },
      /68750 workgroups of feature tiles.*maxComputeWorkgroupsPerDimension \(65535\)/,
    ],
  ];

  it.each(Object.keys(factories))('%s refuses each, naming the argument', async (factory) => {
    for (const [what, target, config, message] of badCalls) {
      // SimpleRNN has no recurrentActivation: it is an unknown field there.
      const expected =
        factory === 'createSimpleRNN' && what === 'an unknown recurrent activation'
          ? /config\.recurrentActivation: not a field/
          : message;
      const { created } = await trackBuffers(device, () => {
        expect(() => factories[factory]!(target === 'device' ? device : (target as GPUDevice), config), what).toThrow(
          expected,
        );
      });
      expect(created, what).toBe(0);
    }
  });

  it('names the cell-specific fields: LSTM has no resetAfter, GRU no initial cell state', () => {
    expect(() => createLSTM(device, { ...seed, resetAfter: true } as object as typeof seed)).toThrow(
      /config\.resetAfter: not a field/,
    );
    expect(() => createGRU(device, { ...seed, useInitialCellState: true } as object as typeof seed)).toThrow(
      /config\.useInitialCellState: not a field/,
    );
    expect(() => createGRU(device, { ...seed, resetAfter: 'yes' } as object as typeof seed)).toThrow(
      /config\.resetAfter: expected a boolean; got "yes"/,
    );
  });

  it('refuses LSTM buffers that are missing, too small, given without their flag, or aliased', async () => {
    const lstm = createLSTM(device, { ...seed, useInitialCellState: true });
    const good = {
      x: buffer(15),
      kernel: buffer(200),
      recurrentKernel: buffer(10_000),
      bias: buffer(200),
      initialCellState: buffer(250),
    };
    const encoder = device.createCommandEncoder();
    const forward: [string, Record<string, unknown>, RegExp, object?][] = [
      [
        'kernel of [F, U]',
        { kernel: buffer(50) },
        /inputs\.kernel: the buffer has 200 bytes; kernel \[1, 200\] float32 needs 800/,
      ],
      [
        'recurrent kernel of [U, U]',
        { recurrentKernel: buffer(2500) },
        /inputs\.recurrentKernel: the buffer has 10000 bytes; recurrentKernel \[50, 200\] float32 needs 40000/,
      ],
      [
        'no initial cell state',
        { initialCellState: null },
        /inputs\.initialCellState: expected a GPUBuffer holding initialCellState \[5, 50\] float32; got null/,
      ],
      [
        'initial state without its flag',
        { initialState: buffer(250) },
        /inputs\.initialState: given, but config\.useInitialState is false/,
      ],
      [
        'outputs.c too small',
        {},
        /outputs\.c: the buffer has 4 bytes; c \[5, 3, 50\] float32 needs 3000/,
        { c: buffer(1) },
      ],
      [
        'outputs.gates aliasing an input',
        {},
        /outputs\.gates: the same GPUBuffer is also passed as inputs\.recurrentKernel/,
        { gates: good.recurrentKernel },
      ],
      ['outputs as a string', {}, /outputs: expected an object of GPUBuffers; got "c"/, 'c' as unknown as object],
    ];
    for (const [what, change, message, outputs] of forward) {
      const { created } = await trackBuffers(device, () => {
        expect(
          () => lstm.encodeForward(encoder, { ...good, ...change } as unknown as LSTMForwardInputs, outputs),
          what,
        ).toThrow(message);
      });
      expect(created, what).toBe(0);
    }
    const saved = { h: buffer(750), c: buffer(750), gates: buffer(3000), dh: buffer(750) };
    const backward: [string, Record<string, unknown>, RegExp, object?][] = [
      [
        'gates of [B, T, U]',
        { gates: buffer(750) },
        /inputs\.gates: the buffer has 3000 bytes; gates \[5, 3, 200\] float32 needs 12000/,
      ],
      ['both dh and dhLast', { dhLast: buffer(250) }, /inputs\.dh \/ inputs\.dhLast: expected exactly one/],
      [
        'dcLast without COPY_SRC',
        { dcLast: buffer(250, GPUBufferUsage.STORAGE) },
        /inputs\.dcLast: the buffer needs GPUBufferUsage\.COPY_SRC/,
      ],
      [
        'dInitialCellState without COPY_DST, which an LSTM copies its initial-state gradients into',
        { dcLast: buffer(250) },
        /outputs\.dInitialCellState: the buffer needs GPUBufferUsage\.COPY_DST \(an LSTM's initial-state gradients/,
        { dInitialCellState: buffer(250) },
      ],
      [
        'dGates too small',
        {},
        /outputs\.dGates: the buffer has 3000 bytes; dGates \[5, 3, 200\] float32 needs 12000/,
        { dGates: buffer(750) },
      ],
    ];
    for (const [what, change, message, outputs] of backward) {
      const { created } = await trackBuffers(device, () => {
        expect(
          () =>
            lstm.encodeBackward(encoder, { ...good, ...saved, ...change } as unknown as LSTMBackwardInputs, outputs),
          what,
        ).toThrow(message);
      });
      expect(created, what).toBe(0);
    }
  });

  it('refuses a GRU bias of the other variant: [3U] with resetAfter, which needs [2, 3U]', () => {
    const gru = createGRU(device, { ...seed, resetAfter: true });
    const inputs = { x: buffer(15), kernel: buffer(150), recurrentKernel: buffer(7500), bias: buffer(150) };
    expect(() => gru.encodeForward(device.createCommandEncoder(), inputs)).toThrow(
      /inputs\.bias: the buffer has 600 bytes; bias \[2, 150\] float32 needs 1200/,
    );
  });

  it('refuses every call after destroy()', () => {
    const lstm = createLSTM(device, seed);
    lstm.destroy();
    expect(() => lstm.encodeForward(device.createCommandEncoder(), {} as LSTMForwardInputs)).toThrow(
      /LSTM\.encodeForward: this LSTM was destroyed; create a new one/,
    );
    expect(() => lstm.encodeBackward(device.createCommandEncoder(), {} as LSTMBackwardInputs)).toThrow(
      /LSTM\.encodeBackward: this LSTM was destroyed/,
    );
  });
});
