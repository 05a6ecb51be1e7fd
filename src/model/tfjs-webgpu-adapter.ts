/**
 * The only place that touches @tensorflow/tfjs-backend-webgpu's internals (verified with 4.22.0,
 * which package.json pins; test/tfjs-webgpu-adapter.test.ts is the contract).
 *
 * What our kernels need from the backend: its GPUDevice; the GPUBuffer behind a tensor (uploading
 * it first if its data is still on the CPU), which must hold float32: tf.cast from int32 or bool to
 * float32 shares the int32 data (tensorMap's dtype says so), so such tensors are refused here and
 * copied as float32 by the op first (storedDtype); output tensors the backend owns, with buffers from
 * its pool; its command encoder, with its open compute pass ended, so our passes are recorded in
 * order with the work it has queued (no extra submit, no readback); and a way to keep the buffers
 * our passes use out of the pool until that encoder is submitted, as tfjs does for its own kernels.
 */
import type { TensorInfo } from '@tensorflow/tfjs';

interface TensorData {
  resource?: unknown;
  dtype?: string;
}

/** The fields of tfjs 4.22's WebGPUBackend that this file uses. */
interface WebGPUBackendInternals {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  tensorMap: { get(dataId: object): TensorData | undefined };
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

export interface WebGPUBackendAdapter {
  readonly device: GPUDevice;
  /** The GPUBuffer holding `tensor`, uploaded first if needed. */
  buffer(tensor: TensorInfo): GPUBuffer;
  /**
   * The GPUBuffer of a tensor of 32-bit words of any kind (a mask: float32, int32, or bool, which the
   * backend holds as int32), as it is: no tfjs kernel touches it on the way.
   */
  wordBuffer(tensor: TensorInfo): GPUBuffer;
  /** A new float32 tensor of `shape`, owned by the backend, and its buffer. */
  allocate(shape: number[]): { info: TensorInfo; buffer: GPUBuffer };
  /** The backend's encoder, ready for our compute passes after everything it has recorded. */
  encoder(): GPUCommandEncoder;
  /** Keeps the tensors' buffers from being reused before the encoder holding our passes is submitted. */
  holdUntilSubmitted(tensors: readonly (TensorInfo | null | undefined)[]): void;
  /** Disposes a tensor from allocate() that was only scratch; its buffer returns to the pool after submission. */
  release(tensor: TensorInfo): void;
}

const REQUIRED = [
  'uploadToGPU',
  'makeTensorInfo',
  'ensureCommandEncoderReady',
  'endComputePassEncoder',
  'disposeData',
] as const;

function internals(backend: unknown): WebGPUBackendInternals {
  const b = backend as Partial<WebGPUBackendInternals> | null;
  const missing = [
    ...REQUIRED.filter((name) => typeof b?.[name] !== 'function'),
    ...(b?.device && typeof b.device.createCommandEncoder === 'function' ? [] : ['device']),
    ...(b?.tensorMap && typeof b.tensorMap.get === 'function' ? [] : ['tensorMap']),
    ...(b?.commandQueueOwnedIds instanceof WeakSet ? [] : ['commandQueueOwnedIds']),
  ];
  if (missing.length > 0) {
    throw new Error(
      `webgpu-rnn: this @tensorflow/tfjs-backend-webgpu does not have the internals the fused kernels use ` +
        `(${missing.join(', ')}); ` +
        'it was written against 4.22.0, the version package.json pins',
    );
  }
  return b as WebGPUBackendInternals;
}

/**
 * The dtype in which the webgpu backend holds a tensor's data, which can differ from the tensor's
 * own after tf.cast (int32 → float32 keeps the int32 data); elsewhere the tensor's dtype.
 */
export function storedDtype(backend: unknown, tensor: TensorInfo): string {
  const map = (backend as Partial<WebGPUBackendInternals> | null)?.tensorMap;
  if (typeof map?.get !== 'function') return tensor.dtype;
  return map.get(tensor.dataId)?.dtype ?? tensor.dtype;
}

export function adaptWebGPUBackend(backend: unknown): WebGPUBackendAdapter {
  const b = internals(backend);
  const bufferOf = (dataId: object, anyWord = false): GPUBuffer => {
    const dtype = b.tensorMap.get(dataId)?.dtype;
    if (dtype !== undefined && dtype !== 'float32' && !(anyWord && (dtype === 'int32' || dtype === 'bool'))) {
      throw new TypeError(
        `webgpu-rnn: expected a tensor whose data the webgpu backend holds as float32; ` +
          `this one holds ${dtype} (ops.simpleRNN copies such tensors first)`,
      );
    }
    b.uploadToGPU(dataId);
    const resource = b.tensorMap.get(dataId)?.resource;
    if (!(resource instanceof GPUBuffer)) {
      throw new Error(
        'webgpu-rnn: expected the tensor to live in a GPUBuffer (tensors backed by textures are not supported)',
      );
    }
    return resource;
  };
  return {
    device: b.device,
    buffer: (tensor) => bufferOf(tensor.dataId),
    wordBuffer: (tensor) => bufferOf(tensor.dataId, true),
    allocate(shape) {
      const info = b.makeTensorInfo(shape, 'float32');
      return { info, buffer: bufferOf(info.dataId) };
    },
    encoder() {
      b.ensureCommandEncoderReady();
      b.endComputePassEncoder();
      return b.commandEncoder!;
    },
    holdUntilSubmitted(tensors) {
      for (const tensor of tensors) if (tensor) b.commandQueueOwnedIds.add(tensor.dataId);
    },
    release(tensor) {
      b.disposeData(tensor.dataId);
    },
  };
}
