/**
 * The device limits every kernel user checks before any GPU work, with errors that name the limit:
 * one buffer's size, and how many storage buffers one kernel binds.
 */
import type { KernelSpec } from './kernel.js';

/** `subject` names the buffer and its verb, e.g. 'the weights need' or 'LSTM [5, 3, 1, 50] needs'. */
export function checkBufferBytes(subject: string, bytes: number, limits: GPUSupportedLimits): void {
  for (const limit of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const) {
    if (bytes > limits[limit])
      throw new RangeError(`${subject} a ${bytes}-byte buffer; this device's ${limit} is ${limits[limit]}`);
  }
}

export function checkStorageBindings(specs: readonly KernelSpec[], limits: GPUSupportedLimits): void {
  for (const spec of specs) {
    if (spec.bindings.length > limits.maxStorageBuffersPerShaderStage) {
      throw new RangeError(
        `${spec.name} binds ${spec.bindings.length} storage buffers; ` +
          `this device's maxStorageBuffersPerShaderStage is ${limits.maxStorageBuffersPerShaderStage}`,
      );
    }
  }
}

/** Limits this package can use beyond WebGPU's defaults; requestedLimits asks each at the adapter's maximum. */
const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** A device descriptor's requiredLimits for the kernels: what the adapter offers of REQUESTED_LIMITS. */
export function requestedLimits(adapter: GPUAdapter): Record<string, number> {
  return Object.fromEntries(REQUESTED_LIMITS.map((name) => [name, adapter.limits[name]]));
}
