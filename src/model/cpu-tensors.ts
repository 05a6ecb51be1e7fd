/** The cpu backend's tensors as the float64 references take and give them. */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';

export function cpuValues(backend: KernelBackend, tensor: TensorInfo): Float32Array {
  return backend.readSync(tensor.dataId) as Float32Array;
}

/** The tensor's values, or null when the tensor is absent (an optional input). */
export function optionalValues(backend: KernelBackend, tensor: TensorInfo | undefined): Float32Array | null {
  return tensor ? cpuValues(backend, tensor) : null;
}

/** A new float32 tensor of the backend's holding `values`. */
export function cpuTensor(backend: KernelBackend, values: ArrayLike<number>, shape: number[]): TensorInfo {
  return { dataId: backend.write(Float32Array.from(values), shape, 'float32'), shape, dtype: 'float32' };
}
