/** GPUBuffer helpers: checked uploads and readbacks of float32 data, and argument checks. */
import { describeValue } from '../describe-value.js';
import { label } from './encode.js';
import type { StorageAccess } from './kernel.js';

/** Usage of buffers this package allocates: bindable, readable back, writable from the host.
 * A function, not a constant: GPUBufferUsage only exists where WebGPU does, and importing must not fail. */
export function storageUsage(): number {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

export function isGPUBuffer(value: unknown): value is GPUBuffer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GPUBuffer).size === 'number' &&
    typeof (value as GPUBuffer).usage === 'number' &&
    typeof (value as GPUBuffer).destroy === 'function'
  );
}

/** Checks that `value` is a storage GPUBuffer of at least `bytes` bytes; `what` describes the data. */
export function checkStorageBuffer(argument: string, value: unknown, bytes: number, what: string): GPUBuffer {
  if (!isGPUBuffer(value)) {
    throw new TypeError(`${argument}: expected a GPUBuffer holding ${what}; got ${describeValue(value)}`);
  }
  if ((value.usage & GPUBufferUsage.STORAGE) === 0) {
    throw new TypeError(`${argument}: the buffer needs GPUBufferUsage.STORAGE to be bound to a compute shader`);
  }
  if (value.size < bytes) {
    throw new RangeError(`${argument}: the buffer has ${value.size} bytes; ${what} needs ${bytes}`);
  }
  return value;
}


/** Creates a storage buffer holding `data`, which must be a Float32Array. */
export function createFloat32Buffer(device: GPUDevice, data: Float32Array, name = 'data'): GPUBuffer {
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${name}: expected a Float32Array; got ${describeValue(data)}`);
  }
  if (data.length === 0) throw new RangeError(`${name}: expected at least one element; got an empty Float32Array`);
  const buffer = device.createBuffer({ label: label(name), size: data.byteLength, usage: storageUsage(), mappedAtCreation: true });
  new Float32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

/** Copies `length` floats (default: the whole buffer) back to the host. */
export async function readFloat32Buffer(device: GPUDevice, buffer: GPUBuffer, length = buffer.size / 4): Promise<Float32Array> {
  if (!isGPUBuffer(buffer)) throw new TypeError(`buffer: expected a GPUBuffer; got ${describeValue(buffer)}`);
  if ((buffer.usage & GPUBufferUsage.COPY_SRC) === 0) {
    throw new TypeError('buffer: reading back needs GPUBufferUsage.COPY_SRC');
  }
  if (!Number.isInteger(length) || length < 1 || length * 4 > buffer.size) {
    throw new RangeError(`length: expected an integer from 1 to ${buffer.size / 4}; got ${length}`);
  }
  return submitAndRead(device, device.createCommandEncoder({ label: label('readback') }), buffer, 0, length);
}

/** Submits `encoder` with a copy of `floats` floats of `buffer` from byte `offset` appended, and reads them. */
export async function submitAndRead(device: GPUDevice, encoder: GPUCommandEncoder, buffer: GPUBuffer, offset: number, floats: number): Promise<Float32Array> {
  const staging = device.createBuffer({ label: label('readback'), size: floats * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    encoder.copyBufferToBuffer(buffer, offset, staging, 0, floats * 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return new Float32Array(staging.getMappedRange().slice(0));
  } finally {
    staging.destroy();
  }
}

const placeholders = new WeakMap<GPUDevice, Map<string, GPUBuffer>>();

/**
 * A tiny buffer to bind where a kernel's optional binding is unused; the kernel never touches it.
 * Read-only bindings share one; each writable binding of a dispatch needs its own (`slot`), since
 * WebGPU refuses a buffer bound writable twice, or both ways, in one dispatch.
 */
export function placeholderBuffer(device: GPUDevice, access: StorageAccess, slot = 0): GPUBuffer {
  let byKey = placeholders.get(device);
  if (!byKey) {
    byKey = new Map();
    placeholders.set(device, byKey);
  }
  const key = access === 'read' ? 'read' : `read_write/${slot}`;
  let buffer = byKey.get(key);
  if (!buffer) {
    buffer = device.createBuffer({ label: label('placeholder', key), size: 16, usage: GPUBufferUsage.STORAGE });
    byKey.set(key, buffer);
  }
  return buffer;
}
