/**
 * What every webgpu kernel of ours does around the core's encode call: its outputs are tensors the
 * backend owns (buffers from its pool), the passes go into the backend's own encoder, and whatever
 * they touch is held until that encoder is submitted. A refused encoding (a mapped buffer behind a
 * zero-copy tensor) returns the outputs to the pool before it throws.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackendAdapter } from './tfjs-webgpu-adapter.js';

/**
 * Allocates a tensor per non-null shape, encodes into their buffers, and returns them; the names in
 * `scratch` are written by the kernels but not returned (their buffers go back to the pool once the
 * work is submitted), so they come back null.
 */
export function encodeOutputs<N extends string>(
  gpu: WebGPUBackendAdapter,
  inputs: readonly (TensorInfo | undefined)[],
  shapes: Record<N, number[] | null>,
  scratch: readonly NoInfer<N>[],
  encode: (encoder: GPUCommandEncoder, outputs: Record<NoInfer<N>, GPUBuffer | null>) => void,
): Record<N, TensorInfo | null> {
  const names = Object.keys(shapes) as N[];
  const allocated = names.map((name) => (shapes[name] ? gpu.allocate(shapes[name]) : null));
  try {
    encode(
      gpu.encoder(),
      Object.fromEntries(names.map((name, i) => [name, allocated[i]?.buffer ?? null])) as Record<N, GPUBuffer | null>,
    );
  } catch (error) {
    for (const output of allocated) if (output) gpu.release(output.info);
    throw error;
  }
  gpu.holdUntilSubmitted([...inputs, ...allocated.map((output) => output?.info)]);
  return Object.fromEntries(
    names.map((name, i) => {
      const info = allocated[i]?.info ?? null;
      if (info && scratch.includes(name)) {
        gpu.release(info);
        return [name, null];
      }
      return [name, info];
    }),
  ) as Record<N, TensorInfo | null>;
}

/** The non-null outputs, in order: a kernel's output list. */
export const present = (outputs: readonly (TensorInfo | null)[]): TensorInfo[] =>
  outputs.filter((t): t is TensorInfo => t !== null);

/**
 * The GPUBuffer of every tensor given, under the same names (the core's optional inputs are simply
 * absent); the mask's as it is, whatever 32-bit words it holds.
 */
export function inputBuffers<T extends object>(gpu: WebGPUBackendAdapter, inputs: T): { [K in keyof T]: GPUBuffer } {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, tensor]) => [
      name,
      name === 'mask' ? gpu.wordBuffer(tensor as TensorInfo) : gpu.buffer(tensor as TensorInfo),
    ]),
  ) as { [K in keyof T]: GPUBuffer };
}
