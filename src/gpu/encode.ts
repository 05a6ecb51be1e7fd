/**
 * Runs kernel descriptions: one compute pass per KernelRun, its dispatches in order, each with its
 * own block of the uniform buffer selected by a dynamic offset.
 *
 * Per device (WeakMap, so a lost or dropped device takes its cache with it): bind-group and
 * pipeline layouts per kernel, pipelines per kernel + override constants (no shader is compiled
 * twice), immutable uniform buffers keyed by their contents, and bind groups keyed by the buffers
 * (and ranges) they bind: a layer called again on the same buffers (tfjs reuses its pooled ones)
 * makes no new GPU objects, where making a bind group is the largest host cost of a small call. Uniform
 * buffers are never written after creation, so a cached one is safe to reuse while earlier work that
 * reads it is pending.
 */
import { placeholderBuffer } from './buffers.js';
import { packParams, paramNames, type KernelRun, type KernelSpec } from './kernel.js';

const LABEL_PREFIX = 'webgpu-rnn';
/** Distinct uniform contents kept per device; enough for every step of a few live shapes. */
const UNIFORM_CACHE_ENTRIES = 256;
/** Bind groups kept per device: every kernel of a few models' layers over tfjs's pooled buffers. */
const BIND_GROUP_CACHE_ENTRIES = 1024;

interface KernelLayout {
  readonly bindGroupLayout: GPUBindGroupLayout;
  readonly pipelineLayout: GPUPipelineLayout;
}

interface DeviceCache {
  readonly layouts: Map<string, KernelLayout>;
  readonly pipelines: Map<string, GPUComputePipeline>;
  readonly uniforms: Map<string, GPUBuffer>;
  readonly bindGroups: Map<string, GPUBindGroup>;
}

const caches = new WeakMap<GPUDevice, DeviceCache>();

function cacheFor(device: GPUDevice): DeviceCache {
  let cache = caches.get(device);
  if (!cache) {
    cache = { layouts: new Map(), pipelines: new Map(), uniforms: new Map(), bindGroups: new Map() };
    caches.set(device, cache);
  }
  return cache;
}

export function label(...parts: string[]): string {
  return [LABEL_PREFIX, ...parts].join('/');
}

function layoutFor(device: GPUDevice, spec: KernelSpec): KernelLayout {
  const cache = cacheFor(device);
  let layout = cache.layouts.get(spec.name);
  if (!layout) {
    const bindGroupLayout = device.createBindGroupLayout({
      label: label(spec.name, 'bind-group-layout'),
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
        ...spec.bindings.map((binding, i) => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: binding.access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
        })),
      ],
    });
    const pipelineLayout = device.createPipelineLayout({
      label: label(spec.name, 'pipeline-layout'),
      bindGroupLayouts: [bindGroupLayout],
    });
    layout = { bindGroupLayout, pipelineLayout };
    cache.layouts.set(spec.name, layout);
  }
  return layout;
}

function pipelineKey(run: KernelRun): string {
  const constants = Object.entries(run.constants).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${run.spec.name}|${constants.map(([k, v]) => `${k}=${String(v)}`).join(',')}`;
}

function pipelineDescriptor(device: GPUDevice, run: KernelRun, key: string): GPUComputePipelineDescriptor {
  return {
    label: label(key),
    layout: layoutFor(device, run.spec).pipelineLayout,
    compute: {
      module: device.createShaderModule({ label: label(run.spec.name, 'shader'), code: run.spec.code }),
      entryPoint: 'main',
      constants: { ...run.constants },
    },
  };
}

export function pipelineFor(device: GPUDevice, run: KernelRun): GPUComputePipeline {
  const cache = cacheFor(device);
  const key = pipelineKey(run);
  let pipeline = cache.pipelines.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline(pipelineDescriptor(device, run, key));
    cache.pipelines.set(key, pipeline);
  }
  return pipeline;
}

/** Pipelines compiled on `device` so far: a submission that raised it paid for compiling. */
export function pipelineCount(device: GPUDevice): number {
  return cacheFor(device).pipelines.size;
}

/** Compiles every pipeline the runs use, off the main thread where the implementation can. */
export async function preparePipelines(device: GPUDevice, runs: readonly KernelRun[]): Promise<void> {
  const cache = cacheFor(device);
  await Promise.all(
    runs.map(async (run) => {
      const key = pipelineKey(run);
      if (cache.pipelines.has(key)) return;
      const pipeline = await device.createComputePipelineAsync(pipelineDescriptor(device, run, key));
      cache.pipelines.set(key, pipeline);
    }),
  );
}

interface UniformBlocks {
  readonly buffer: GPUBuffer;
  readonly stride: number;
  readonly blockSize: number;
}

function uniformsFor(device: GPUDevice, run: KernelRun): UniformBlocks {
  const words = paramNames(run.spec).length;
  const blockSize = Math.ceil((words * 4) / 16) * 16;
  const alignment = device.limits.minUniformBufferOffsetAlignment;
  const stride = Math.ceil(blockSize / alignment) * alignment;
  const blocks = run.dispatches.map((d) => packParams(run.spec, d.params));
  const key = `${run.spec.name}|${blocks.map((b) => b.join(',')).join(';')}`;
  const cache = cacheFor(device).uniforms;
  const buffer = cached(cache, key, UNIFORM_CACHE_ENTRIES, () => {
    const created = device.createBuffer({
      label: label(run.spec.name, 'params'),
      size: stride * (blocks.length - 1) + blockSize,
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    const mapped = new Uint32Array(created.getMappedRange());
    blocks.forEach((block, i) => mapped.set(block, (i * stride) / 4));
    created.unmap();
    return created;
  });
  return { buffer, stride, blockSize };
}

/**
 * `cache`'s value for `key`, made by `make` when missing; Map order is the LRU order, and past
 * `entries` the oldest is dropped, not destroyed: work already encoded may still use it, and the GC
 * frees it after.
 */
function cached<V>(cache: Map<string, V>, key: string, entries: number, make: () => V): V {
  let value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
  } else {
    value = make();
    if (cache.size >= entries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  }
  cache.set(key, value);
  return value;
}

const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 0;

/** A number naming `buffer` for cache keys, for as long as the buffer lives. */
function bufferId(buffer: GPUBuffer): number {
  let id = bufferIds.get(buffer);
  if (id === undefined) bufferIds.set(buffer, (id = nextBufferId++));
  return id;
}

/** The bind group of `spec` over these uniforms and buffers, made once per distinct set of them. */
function bindGroupFor(
  device: GPUDevice,
  spec: KernelSpec,
  uniforms: UniformBlocks,
  buffers: Readonly<Record<string, GPUBufferBinding>>,
): GPUBindGroup {
  const ranges = spec.bindings.map(({ name }) => {
    const { buffer, offset = 0, size } = buffers[name]!;
    return `${bufferId(buffer)}@${offset}+${size ?? '*'}`;
  });
  const key = `${spec.name}|${bufferId(uniforms.buffer)}|${ranges.join(',')}`;
  return cached(cacheFor(device).bindGroups, key, BIND_GROUP_CACHE_ENTRIES, () =>
    device.createBindGroup({
      label: label(spec.name, 'bind-group'),
      layout: layoutFor(device, spec).bindGroupLayout,
      entries: [
        { binding: 0, resource: { buffer: uniforms.buffer, size: uniforms.blockSize } },
        ...spec.bindings.map((binding, i) => ({ binding: i + 1, resource: buffers[binding.name]! })),
      ],
    }),
  );
}

export interface EncodeOptions {
  /** GPU timestamps around this kernel's pass, where the device has 'timestamp-query'. */
  readonly timestampWrites?: GPUComputePassTimestampWrites;
}

/** A kernel run bound to buffers, ready to issue its dispatches into any compute pass. */
export interface PreparedKernel {
  /** Issues dispatch `index` of the run (its workgroups, with its uniform block). */
  dispatch(pass: GPUComputePassEncoder, index: number): void;
}

export function prepareKernel<B extends string>(
  device: GPUDevice,
  run: KernelRun<string, B>,
  buffers: Readonly<Record<B, GPUBufferBinding>>,
): PreparedKernel {
  const { spec } = run;
  const pipeline = pipelineFor(device, run);
  const uniforms = uniformsFor(device, run);
  const bindGroup = bindGroupFor(device, spec, uniforms, buffers);
  return {
    dispatch(pass, index) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup, [index * uniforms.stride]);
      pass.dispatchWorkgroups(...run.dispatches[index]!.workgroups);
    },
  };
}

/** Encodes one kernel run as one compute pass into the caller's encoder. */
export function encodeKernel<B extends string>(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  run: KernelRun<string, B>,
  buffers: Readonly<Record<B, GPUBufferBinding>>,
  options: EncodeOptions = {},
): void {
  const prepared = prepareKernel(device, run, buffers);
  const pass = encoder.beginComputePass({
    label: label(run.spec.name, 'pass'),
    ...(options.timestampWrites ? { timestampWrites: options.timestampWrites } : {}),
  });
  run.dispatches.forEach((_, i) => prepared.dispatch(pass, i));
  pass.end();
}

/** A buffer, or a range of one. */
export type Binding = GPUBuffer | GPUBufferBinding;

/** A kernel run bound to buffers: issue() records all its dispatches into a compute pass, dispatch() one. */
export interface BoundKernel extends PreparedKernel {
  issue(pass: GPUComputePassEncoder): void;
}

/** Binds each of the run's bindings by name; those not given get a placeholder the kernel never uses. */
export function bindKernel(
  device: GPUDevice,
  run: KernelRun,
  buffers: Readonly<Record<string, Binding | null | undefined>>,
): BoundKernel {
  const entries = Object.fromEntries(
    run.spec.bindings.map((binding, slot) => {
      const given = buffers[binding.name];
      const resource = given ? ('buffer' in given ? given : { buffer: given }) : undefined;
      return [binding.name, resource ?? { buffer: placeholderBuffer(device, binding.access, slot) }];
    }),
  );
  const prepared = prepareKernel(device, run, entries);
  return {
    dispatch: prepared.dispatch,
    issue(pass) {
      run.dispatches.forEach((_, i) => prepared.dispatch(pass, i));
    },
  };
}
