import { describe, expect, it } from 'vitest';
import { createFloat32Buffer } from '../src/gpu/buffers.js';
import { createSimpleRNN } from '../src/kernels/simple-rnn.js';
import { random, uniform } from './helpers/data.js';
import { bytes } from './helpers/trainer-data.js';
import { getDevice, readBuffers } from './helpers/webgpu.js';

describe('encode: bind groups made once per set of buffers', async () => {
  const device = await getDevice();
  const [B, T, F, U] = [3, 4, 2, 5];
  const rnn = createSimpleRNN(device, { batch: B, timesteps: T, features: F, units: U });

  /** A layer call's buffers, filled from `seed`. */
  const buffers = (seed: number) => {
    const rng = random(seed);
    const upload = (length: number, name: string) => createFloat32Buffer(device, uniform(length, 1, rng), name);
    return {
      inputs: {
        x: upload(B * T * F, 'x'),
        kernel: upload(F * U, 'k'),
        recurrentKernel: upload(U * U, 'r'),
        bias: upload(U, 'b'),
      },
      outputs: { h: upload(B * T * U, 'h'), z: upload(B * T * U, 'z') },
    };
  };
  const counted = async (call: () => void) => {
    const original = device.createBindGroup.bind(device);
    let made = 0;
    device.createBindGroup = (descriptor: GPUBindGroupDescriptor) => {
      made++;
      return original(descriptor);
    };
    try {
      call();
      await device.queue.onSubmittedWorkDone();
    } finally {
      device.createBindGroup = original;
    }
    return made;
  };
  const forward = (b: ReturnType<typeof buffers>) => {
    const encoder = device.createCommandEncoder();
    rnn.encodeForward(encoder, b.inputs, b.outputs);
    device.queue.submit([encoder.finish()]);
  };

  it('makes none for a call on the same buffers, its own for others, and reads what buffers hold now', async () => {
    const a = buffers(1);
    expect(await counted(() => forward(a)), 'the first call').toBe(rnn.forwardRuns.length);
    expect(await counted(() => forward(a)), 'the same buffers again').toBe(0);
    const b = buffers(2);
    expect(await counted(() => forward(b)), 'other buffers').toBe(rnn.forwardRuns.length);
    // New contents in a's buffers: the cached bind groups read them, as b's fresh ones read b's.
    const encoder = device.createCommandEncoder();
    for (const name of ['x', 'kernel', 'recurrentKernel', 'bias'] as const)
      encoder.copyBufferToBuffer(b.inputs[name], 0, a.inputs[name], 0, b.inputs[name].size);
    device.queue.submit([encoder.finish()]);
    forward(a);
    const [ha, hb] = await readBuffers(device, [a.outputs.h, b.outputs.h]);
    expect(bytes(ha!).equals(bytes(hb!))).toBe(true);
    for (const set of [a, b])
      for (const buffer of [...Object.values(set.inputs), ...Object.values(set.outputs)]) buffer.destroy();
  });
});
