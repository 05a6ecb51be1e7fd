import { afterAll, describe, expect, it } from 'vitest';
import { createFloat32Buffer, readFloat32Buffer } from '../src/gpu/buffers.js';
import { createSimpleRNN } from '../src/kernels/simple-rnn.js';
import { getDevice, requestTestDevice } from './helpers/webgpu.js';

const storage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

describe('readFloat32Buffer rejects misused buffers instead of resolving with zeros', async () => {
  const device = await getDevice();
  const other = await requestTestDevice();
  afterAll(() => other.release());
  const values = Float32Array.of(1, 2, 3, 4);

  it('reads back what was uploaded', async () => {
    const buffer = createFloat32Buffer(device, values, 'values');
    expect(await readFloat32Buffer(device, buffer)).toEqual(values);
    expect(await readFloat32Buffer(device, buffer, 2)).toEqual(values.subarray(0, 2));
    buffer.destroy();
  });

  it('a destroyed buffer', async () => {
    const buffer = createFloat32Buffer(device, values, 'gone');
    buffer.destroy();
    await expect(readFloat32Buffer(device, buffer)).rejects.toThrow(
      /^readFloat32Buffer: WebGPU validation error: \[Buffer "webgpu-rnn\/gone"\] used in submit while destroyed/,
    );
  });

  it('a buffer still mapped at creation, or being mapped', async () => {
    const mapped = device.createBuffer({ size: 16, usage: storage(), mappedAtCreation: true });
    await expect(readFloat32Buffer(device, mapped)).rejects.toThrow(
      /^readFloat32Buffer: buffer: the buffer is mapped \(mappedAtCreation or mapAsync\); call unmap\(\) first$/,
    );
    mapped.unmap();
    mapped.destroy();
    const staging = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC });
    const mapping = staging.mapAsync(GPUMapMode.WRITE);
    await expect(readFloat32Buffer(device, staging)).rejects.toThrow(
      /^readFloat32Buffer: buffer: the buffer is being mapped \(mapAsync pending\)/,
    );
    await mapping;
    staging.destroy();
  });

  it('a buffer of another device, naming both devices', async () => {
    const foreign = createFloat32Buffer(other.device, values, 'foreign');
    expect(other.device.label).not.toBe(device.label);
    const error = await readFloat32Buffer(device, foreign).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^readFloat32Buffer: WebGPU validation error: \[Buffer "webgpu-rnn\/foreign"\] is associated with \[Device/,
    );
    expect((error as Error).message).toContain(other.device.label);
    expect((error as Error).message).toContain(device.label);
    foreign.destroy();
  });

  it('arguments that are not a device, a buffer or a length', async () => {
    const buffer = createFloat32Buffer(device, values);
    await expect(readFloat32Buffer(null as never, buffer)).rejects.toThrow(
      /^readFloat32Buffer: device: expected a GPUDevice; got null$/,
    );
    await expect(readFloat32Buffer(device, null as never)).rejects.toThrow(
      /^readFloat32Buffer: buffer: expected a GPUBuffer; got null$/,
    );
    await expect(readFloat32Buffer(device, buffer, Number.NaN)).rejects.toThrow(
      /^readFloat32Buffer: length: expected an integer from 1 to 4; got NaN$/,
    );
    await expect(readFloat32Buffer(device, buffer, 0)).rejects.toThrow(
      /length: expected an integer from 1 to 4; got 0/,
    );
    const unreadable = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    await expect(readFloat32Buffer(device, unreadable)).rejects.toThrow(
      /buffer: reading back needs GPUBufferUsage\.COPY_SRC/,
    );
    for (const b of [buffer, unreadable]) b.destroy();
  });
});

describe('createFloat32Buffer names its arguments', async () => {
  const device = await getDevice();
  it('null device, null data, a label that is not a string', () => {
    expect(() => createFloat32Buffer(null as never, Float32Array.of(1))).toThrow(
      /^createFloat32Buffer: device: expected a GPUDevice; got null$/,
    );
    expect(() => createFloat32Buffer(device, null as never, 'x')).toThrow(/^x: expected a Float32Array; got null$/);
    expect(() => createFloat32Buffer(device, Float32Array.of(1), 7 as never)).toThrow(
      /^createFloat32Buffer: name: expected a string \(the buffer's label\); got 7$/,
    );
  });

  it("data past the device's maxBufferSize", () => {
    // A device that reports an 8-byte maximum, so the test needs no gigabytes.
    const small = Object.create(device, { limits: { value: { maxBufferSize: 8 } } }) as GPUDevice;
    expect(() => createFloat32Buffer(small, new Float32Array(3), 'x')).toThrow(
      /^x: 12 bytes exceed this device's maxBufferSize \(8\)$/,
    );
  });
});

describe('the bare encode functions', async () => {
  const device = await getDevice();
  const rnn = createSimpleRNN(device, { batch: 2, timesteps: 3, features: 1, units: 4, useBias: false });
  const upload = (length: number, name: string) =>
    createFloat32Buffer(device, new Float32Array(length).fill(0.5), name);

  it('refuse at once a buffer that is mapped, by name', () => {
    const x = device.createBuffer({ size: 24, usage: storage(), mappedAtCreation: true });
    const inputs = { x, kernel: upload(4, 'kernel'), recurrentKernel: upload(16, 'recurrentKernel') };
    expect(() => rnn.encodeForward(device.createCommandEncoder(), inputs)).toThrow(
      /^inputs\.x: the buffer is mapped \(mappedAtCreation or mapAsync\); call unmap\(\) first$/,
    );
    x.unmap();
    for (const b of Object.values(inputs)) b.destroy();
  });

  // What WebGPU only knows at submission: the README's pattern, the caller's own error scope.
  const misuses: [string, () => { encoder: GPUCommandEncoder; x: GPUBuffer }, RegExp][] = [
    [
      'a destroyed buffer',
      () => {
        const x = upload(6, 'x');
        x.destroy();
        return { encoder: device.createCommandEncoder(), x };
      },
      /\[Buffer "webgpu-rnn\/x"\] used in submit while destroyed/,
    ],
    [
      'a buffer of another device',
      () => ({ encoder: device.createCommandEncoder(), x: foreignBuffer() }),
      /is associated with \[Device .*\], and cannot be used with \[Device/,
    ],
    [
      'a finished encoder',
      () => {
        const encoder = device.createCommandEncoder();
        encoder.finish();
        return { encoder, x: upload(6, 'x') };
      },
      /is already finished/,
    ],
  ];
  let other: Awaited<ReturnType<typeof requestTestDevice>> | undefined;
  const foreignBuffer = () => other!.device.createBuffer({ size: 24, usage: storage() });
  afterAll(() => other?.release());

  it.each(misuses)("surface in the caller's error scope: %s", async (_, make, message) => {
    other ??= await requestTestDevice();
    const { encoder, x } = make();
    const weights = { kernel: upload(4, 'kernel'), recurrentKernel: upload(16, 'recurrentKernel') };
    device.pushErrorScope('validation');
    const { h, z } = rnn.encodeForward(encoder, { x, ...weights });
    try {
      device.queue.submit([encoder.finish()]);
    } catch {
      // A finished encoder's second finish() may throw instead; the scope already holds the cause.
    }
    const error = await device.popErrorScope();
    expect(error?.message).toMatch(message);
    for (const b of [x, h, z, ...Object.values(weights)]) b.destroy();
  });
});
