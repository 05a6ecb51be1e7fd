/** GPUBuffer helpers: checked uploads and readbacks of float32 data, and argument checks. */
import { describeValue } from '../describe-value.js';
import { checkDevice } from './check-device.js';
import { label } from './encode.js';
import { recordChecked } from './error-scope.js';
import type { StorageAccess } from './kernel.js';
import { waitMs, type Pace } from './submission-pacer.js';

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

/** Throws unless the buffer can be used by GPU work now: a mapped buffer (or one being mapped) cannot. */
function checkUnmapped(argument: string, buffer: GPUBuffer): void {
  if (buffer.mapState === 'mapped')
    throw new TypeError(`${argument}: the buffer is mapped (mappedAtCreation or mapAsync); call unmap() first`);
  if (buffer.mapState === 'pending')
    throw new TypeError(`${argument}: the buffer is being mapped (mapAsync pending); await it and unmap() first`);
}

/**
 * Checks what can be checked at once that `value` is a storage GPUBuffer for `bytes` bytes of `what`:
 * its type, usage, size and map state. Whether it was destroyed or belongs to another device, WebGPU
 * does not say until the work is submitted: that surfaces as a validation error on the device.
 */
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
  checkUnmapped(argument, value);
  return value;
}

/** Creates a storage buffer holding `data`, which must be a Float32Array. */
export function createFloat32Buffer(device: GPUDevice, data: Float32Array, name = 'data'): GPUBuffer {
  checkDevice('createFloat32Buffer: device', device);
  if (typeof name !== 'string')
    throw new TypeError(
      `createFloat32Buffer: name: expected a string (the buffer's label); got ${describeValue(name)}`,
    );
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${name}: expected a Float32Array; got ${describeValue(data)}`);
  }
  if (data.length === 0) throw new RangeError(`${name}: expected at least one element; got an empty Float32Array`);
  if (data.byteLength > device.limits.maxBufferSize) {
    throw new RangeError(
      `${name}: ${data.byteLength} bytes exceed this device's maxBufferSize (${device.limits.maxBufferSize})`,
    );
  }
  const buffer = device.createBuffer({
    label: label(name),
    size: data.byteLength,
    usage: storageUsage(),
    mappedAtCreation: true,
  });
  new Float32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

/**
 * Copies `length` floats (default: the whole buffer) back to the host. Rejects, rather than
 * resolving with zeros, when WebGPU refuses the copy: a destroyed buffer, or one of another device.
 */
export async function readFloat32Buffer(device: GPUDevice, buffer: GPUBuffer, length?: number): Promise<Float32Array> {
  checkDevice('readFloat32Buffer: device', device);
  if (!isGPUBuffer(buffer))
    throw new TypeError(`readFloat32Buffer: buffer: expected a GPUBuffer; got ${describeValue(buffer)}`);
  if ((buffer.usage & GPUBufferUsage.COPY_SRC) === 0) {
    throw new TypeError('readFloat32Buffer: buffer: reading back needs GPUBufferUsage.COPY_SRC');
  }
  checkUnmapped('readFloat32Buffer: buffer', buffer);
  const floats = Math.floor(buffer.size / 4);
  const count = length ?? floats;
  if (!Number.isInteger(count) || count < 1 || count > floats) {
    throw new RangeError(
      `readFloat32Buffer: length: expected an integer from 1 to ${floats}; got ${describeNumber(count)}`,
    );
  }
  return submitAndRead(device, 'readFloat32Buffer', () => ({ buffer, offset: 0, floats: count }));
}

/** Where the floats to read back are, once the work before them is recorded. */
export interface Readback {
  readonly buffer: GPUBuffer;
  /** In bytes. */
  readonly offset: number;
  readonly floats: number;
}

/**
 * Records work with `record` (writes, passes: synchronous WebGPU calls) into a new command encoder,
 * appends a copy of the floats it names, submits, and reads them back, mapping after `pace`'s wait
 * (submission-pacer.ts). Everything recorded runs inside error scopes: a WebGPU error rejects with a
 * GPUWorkError naming `what`.
 */
export async function submitAndRead(
  device: GPUDevice,
  what: string,
  record: (encoder: GPUCommandEncoder) => Readback,
  pace?: Pace,
): Promise<Float32Array> {
  const created: GPUBuffer[] = [];
  let recorded: ReturnType<typeof recordChecked<GPUBuffer>>;
  try {
    recorded = recordChecked(device, what, () => {
      const encoder = device.createCommandEncoder({ label: label(what) });
      const { buffer, offset, floats } = record(encoder);
      const staging = device.createBuffer({
        label: label(what, 'readback'),
        size: floats * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      created.push(staging);
      encoder.copyBufferToBuffer(buffer, offset, staging, 0, floats * 4);
      device.queue.submit([encoder.finish()]);
      return staging;
    });
  } catch (error) {
    for (const buffer of created) buffer.destroy();
    throw error;
  }
  const submitted = performance.now();
  const { value: staging, checked } = recorded;
  try {
    // Both, so that neither rejection goes unhandled; WebGPU's own error says more than a failed map.
    const mapping = waitMs(pace?.waitMs ?? 0).then(() => staging.mapAsync(GPUMapMode.READ));
    const [scopes, mapped] = await Promise.allSettled([checked, mapping]);
    if (scopes.status === 'rejected') throw scopes.reason;
    if (mapped.status === 'rejected') throw mapped.reason;
    pace?.done(performance.now() - submitted);
    return new Float32Array(staging.getMappedRange().slice(0));
  } finally {
    staging.destroy();
  }
}

function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
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
