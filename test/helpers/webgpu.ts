/**
 * The test device: real WebGPU through Dawn, on the backend this test process was given (vitest.config.ts
 * runs the GPU tests once per backend): Vulkan (a GPU, or SwiftShader on the CPU) or OpenGL (Mesa's
 * llvmpipe here, at WebGPU's compatibility feature level). No adapter is a failure, never a skip.
 */
import { pinStrategy } from '../../src/kernels/strategy.js';
import { describeAdapter, requestNodeDevice, type NodeBackend, type NodeWebGPU } from '../../src/node.js';

function backendFromEnvironment(): NodeBackend {
  const name = process.env.WEBGPU_RNN_TEST_BACKEND ?? 'vulkan';
  if (name !== 'vulkan' && name !== 'opengl')
    throw new Error(`WEBGPU_RNN_TEST_BACKEND: expected vulkan or opengl; got ${name}`);
  return name;
}

/** Dawn's backend for this test process: WEBGPU_RNN_TEST_BACKEND, set per project in vitest.config.ts. */
export const TEST_BACKEND: NodeBackend = backendFromEnvironment();

let webgpu: Promise<NodeWebGPU> | undefined;

export function nodeWebGPU(): Promise<NodeWebGPU> {
  // navigator.gpu too: tfjs's webgpu backend, which helpers/tfjs.ts puts on this device, refuses to start without it.
  webgpu ??= requestNodeDevice({ backend: TEST_BACKEND, installNavigator: true }).then((found) => {
    const limits = (
      [
        'maxStorageBufferBindingSize',
        'maxStorageBuffersPerShaderStage',
        'maxComputeWorkgroupStorageSize',
        'maxComputeInvocationsPerWorkgroup',
      ] as const
    )
      .map((name) => `${name} ${found.device.limits[name]}`)
      .join(', ');
    console.info(`WebGPU adapter (${TEST_BACKEND}): ${describeAdapter(found.adapterSummary)}; ${limits}`);
    return found;
  });
  return webgpu;
}

/** A device of its own on the test backend, for tests that lose or destroy it; release() it after. */
export function requestTestDevice(): Promise<NodeWebGPU> {
  return requestNodeDevice({ backend: TEST_BACKEND });
}

/** The test device, with the adapter's own strategy table (unpinning what helpers/tfjs.ts pins). */
export async function getDevice(): Promise<GPUDevice> {
  const { device } = await nodeWebGPU();
  pinStrategy(device, {});
  return device;
}

/**
 * What tests of semantics rather than strategies pin (the tfjs tests, the trainers' grids against stock
 * tfjs): one pipeline per cell serves every activation pair and size, where each would compile its own,
 * seconds apiece on the CPU emulators; one weight-gradient tile per invocation, whose pipeline
 * SwiftShader compiles in half the time of its own table's 4; and the input gradient unsplit, where the
 * hardware half (OpenGL's) would compile one pipeline per slice count. The core's tests, the trainer's
 * strategy tests, the pages and the README examples run the adapter's own table.
 */
export const SHARED_PIPELINES = {
  activations: 'runtime',
  products: 'loops',
  weightGradientTiles: 1,
  inputGradientSlices: 1,
} as const;

/** The test device with SHARED_PIPELINES pinned (getDevice() unpins). */
export async function getSharedPipelinesDevice(): Promise<GPUDevice> {
  const { device } = await nodeWebGPU();
  pinStrategy(device, SHARED_PIPELINES);
  return device;
}

const SCOPES: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** Runs `body` inside validation, out-of-memory and internal error scopes and fails on any error. */
export async function withErrorScopes<T>(device: GPUDevice, body: () => Promise<T> | T): Promise<T> {
  for (const scope of SCOPES) device.pushErrorScope(scope);
  let result: T;
  try {
    result = await body();
  } finally {
    const errors: (GPUError | null)[] = [];
    for (let i = 0; i < SCOPES.length; i++) errors.push(await device.popErrorScope());
    const messages = errors.filter((e): e is GPUError => e !== null).map((e) => e.message);
    if (messages.length > 0) throw new Error(`WebGPU errors: ${messages.join('; ')}`);
  }
  return result;
}

/** Counts buffers created and destroyed on `device` while `body` runs. */
export async function trackBuffers<T>(
  device: GPUDevice,
  body: () => Promise<T> | T,
): Promise<{ result: T; created: number; live: number }> {
  const original = device.createBuffer.bind(device);
  const live = new Set<GPUBuffer>();
  let created = 0;
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = original(descriptor);
    created++;
    live.add(buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      live.delete(buffer);
      destroy();
    };
    return buffer;
  };
  try {
    const result = await body();
    return { result, created, live: live.size };
  } finally {
    device.createBuffer = original;
  }
}

/**
 * Reads every buffer back in one submission and one map (each read on its own costs a round trip, which
 * tests that read a dozen outputs per case pay many times over). Buffers need COPY_SRC.
 */
export async function readBuffers(device: GPUDevice, buffers: readonly GPUBuffer[]): Promise<Float32Array[]> {
  const offsets: number[] = [];
  let size = 0;
  for (const buffer of buffers) {
    offsets.push(size);
    size += Math.ceil(buffer.size / 4) * 4;
  }
  if (size === 0) return buffers.map(() => new Float32Array(0));
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  buffers.forEach((buffer, i) => encoder.copyBufferToBuffer(buffer, 0, staging, offsets[i]!, buffer.size));
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const all = staging.getMappedRange();
  // Each its own ArrayBuffer, so that callers may view `.buffer` from offset 0.
  const values = buffers.map((buffer, i) => new Float32Array(all.slice(offsets[i]!, offsets[i]! + buffer.size)));
  staging.destroy();
  return values;
}
