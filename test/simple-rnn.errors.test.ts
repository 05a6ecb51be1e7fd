import { describe, expect, it } from 'vitest';
import { createFloat32Buffer, readFloat32Buffer } from '../src/gpu/buffers.js';
import type { SimpleRNNConfig } from '../src/kernels/config.js';
import { createSimpleRNN, type SimpleRNNForwardInputs } from '../src/kernels/simple-rnn.js';
import { getDevice, trackBuffers, withErrorScopes } from './helpers/webgpu.js';

const seed = { batch: 5, timesteps: 3, features: 1, units: 50, activation: 'relu' } as const;

describe('bad input gets a clear error and allocates nothing', async () => {
  const device = await getDevice();
  const buffer = (floats: number, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC) =>
    device.createBuffer({ size: floats * 4, usage });

  const badConfigs: [string, object, RegExp][] = [
    ['zero batch', { ...seed, batch: 0 }, /config\.batch: expected a positive integer; got 0/],
    ['negative timesteps', { ...seed, timesteps: -3 }, /config\.timesteps: expected a positive integer; got -3/],
    ['fractional features', { ...seed, features: 1.5 }, /config\.features: expected a positive integer; got 1\.5/],
    ['units as a string', { ...seed, units: '50' }, /config\.units: expected a positive integer; got "50"/],
    [
      'missing units',
      { batch: 5, timesteps: 3, features: 1 },
      /config\.units: expected a positive integer; got undefined/,
    ],
    ['softmax', { ...seed, activation: 'softmax' }, /config\.activation: 'softmax' normalises across units/],
    [
      'unknown activation',
      { ...seed, activation: 'leakyRelu' },
      /config\.activation: expected one of linear, tanh, .*; got "leakyRelu"/,
    ],
    ['non-boolean flag', { ...seed, goBackwards: 'yes' }, /config\.goBackwards: expected a boolean; got "yes"/],
    [
      'recurrent kernel past the binding limit',
      { ...seed, units: 20_000 },
      /needs a 1600000000-byte buffer; this device's maxStorageBufferBindingSize is/,
    ],
    [
      'weights past workgroup memory',
      { ...seed, units: 200, strategy: { recurrence: 'persistent', weightsInWorkgroup: true } },
      /strategy\.weightsInWorkgroup: recurrent_kernel is 160000 bytes; this device's maxComputeWorkgroupStorageSize is/,
    ],
    [
      'workgroup past the invocation limit',
      { ...seed, strategy: { recurrenceWorkgroupSize: 4096 } },
      new RegExp(
        `strategy\\.recurrenceWorkgroupSize 4096 is outside 1\\.\\.` +
          `${Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX)}`,
      ),
    ],
  ];

  it.each(badConfigs)('config: %s', async (_, config, message) => {
    const { created } = await trackBuffers(device, () => {
      expect(() => createSimpleRNN(device, config as SimpleRNNConfig)).toThrow(message);
    });
    expect(created).toBe(0);
  });

  it('rejects buffers that are missing, too small, unbindable, misplaced or aliased', async () => {
    const rnn = createSimpleRNN(device, seed);
    const good = { x: buffer(15), kernel: buffer(50), recurrentKernel: buffer(2500), bias: buffer(50) };
    const shared = buffer(750);
    const encoder = device.createCommandEncoder();
    const cases: [string, Partial<SimpleRNNForwardInputs> | Record<string, unknown>, RegExp, object?][] = [
      [
        'x as host data',
        { x: new Float32Array(15) },
        new RegExp(
          'inputs\\.x: expected a GPUBuffer holding x \\[batch 5, timesteps 3, features 1, units 50\\] float32; ' +
            'got a Float32Array',
        ),
      ],
      [
        'x too small',
        { x: buffer(14) },
        /inputs\.x: the buffer has 56 bytes; x \[batch 5, timesteps 3, features 1, units 50\] float32 needs 60/,
      ],
      [
        'kernel not a storage buffer',
        { kernel: device.createBuffer({ size: 200, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) },
        /inputs\.kernel: the buffer needs GPUBufferUsage\.STORAGE/,
      ],
      [
        'recurrent kernel of [U, U - 1]',
        { recurrentKernel: buffer(2450) },
        /inputs\.recurrentKernel: the buffer has 9800 bytes; recurrentKernel \[50, 50\] float32 needs 10000/,
      ],
      [
        'no bias with useBias',
        { bias: null },
        /inputs\.bias: expected a GPUBuffer holding bias \[50\] float32; got null/,
      ],
      [
        'initial state without useInitialState',
        { initialState: buffer(250) },
        /inputs\.initialState: given, but config\.useInitialState is false/,
      ],
      [
        'output aliasing an input',
        {},
        /outputs\.h: the same GPUBuffer is also passed as inputs\.recurrentKernel/,
        { h: good.recurrentKernel },
      ],
      [
        'two outputs in one buffer',
        {},
        /outputs\.h: the same GPUBuffer is also passed as outputs\.z/,
        { h: shared, z: shared },
      ],
      [
        'output too small',
        {},
        /outputs\.z: the buffer has 4 bytes; z \[5, 3, 50\] float32 needs 3000/,
        { z: buffer(1) },
      ],
    ];
    for (const [what, change, message, outputs] of cases) {
      const { created } = await trackBuffers(device, () => {
        expect(
          () => rnn.encodeForward(encoder, { ...good, ...change } as SimpleRNNForwardInputs, outputs),
          what,
        ).toThrow(message);
      });
      expect(created, what).toBe(0);
    }
    for (const b of [...Object.values(good), shared]) b.destroy();
  });

  it('rejects non-float32 host data and empty arrays when uploading', async () => {
    const { created } = await trackBuffers(device, () => {
      expect(() => createFloat32Buffer(device, new Float64Array(4) as unknown as Float32Array, 'x')).toThrow(
        /x: expected a Float32Array; got a Float64Array/,
      );
      expect(() => createFloat32Buffer(device, [1, 2] as unknown as Float32Array, 'kernel')).toThrow(
        /kernel: expected a Float32Array; got an array/,
      );
      expect(() => createFloat32Buffer(device, new Float32Array(0), 'bias')).toThrow(
        /bias: expected at least one element/,
      );
    });
    expect(created).toBe(0);
    await expect(readFloat32Buffer(device, buffer(4), 5)).rejects.toThrow(
      /length: expected an integer from 1 to 4; got 5/,
    );
  });

  it("leaves nothing behind on success either: outputs are the caller's, the rest is cached", async () => {
    await withErrorScopes(device, async () => {
      const rnn = createSimpleRNN(device, seed);
      const inputs = { x: buffer(15), kernel: buffer(50), recurrentKernel: buffer(2500), bias: buffer(50) };
      // Warm the per-device caches (pipelines, uniforms, placeholders), then count a second call.
      const warm = device.createCommandEncoder();
      const first = rnn.encodeForward(warm, inputs);
      device.queue.submit([warm.finish()]);
      const { result, created, live } = await trackBuffers(device, () => {
        const encoder = device.createCommandEncoder();
        const out = rnn.encodeForward(encoder, inputs);
        device.queue.submit([encoder.finish()]);
        return out;
      });
      expect(created).toBe(2); // h and z, handed to the caller
      expect(live).toBe(2);
      for (const b of [...Object.values(inputs), ...Object.values(first), ...Object.values(result)]) b?.destroy();
    });
  });
});
