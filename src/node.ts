/// <reference types="@webgpu/types" preserve="true" />
/**
 * webgpu-rnn/node: a GPUDevice in Node through Dawn (npm `webgpu`), for tests, scripts and the CLI.
 *
 * By default Dawn's Vulkan backend: a real GPU's driver when the machine has one; otherwise
 * SwiftShader, the CPU Vulkan driver that Debian's `chromium` package ships. Dawn rejects Mesa's
 * lavapipe, so a machine with only that falls back to SwiftShader too. `backend: 'opengl'` asks
 * for Dawn's OpenGL backend instead (Mesa's llvmpipe on a machine without a GPU): another WebGPU
 * implementation, at WebGPU's compatibility feature level. Nothing happens on import: every call
 * below is explicit.
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { checkOptions } from './check-args.js';
import { describeValue } from './describe-value.js';
import { requestedLimits } from './gpu/device-limits.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const PROVISION_COMMAND = 'apt-get update && apt-get install -y chromium libvulkan1';
/** Mesa's EGL and OpenGL drivers, which Dawn's OpenGL backend opens. */
export const OPENGL_PROVISION_COMMAND = 'apt-get update && apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri';

/** Dawn's backend: Vulkan (a GPU's driver, else SwiftShader) or OpenGL (a GPU's GL driver, else Mesa's llvmpipe). */
export type NodeBackend = 'vulkan' | 'opengl';

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  /** Which Vulkan driver Dawn was pointed at, or 'opengl' for Dawn's OpenGL backend. */
  readonly driver: 'system' | 'swiftshader' | 'opengl';
  /** 'compatibility' where the adapter offers only WebGPU's compatibility feature level (OpenGL). */
  readonly featureLevel: 'core' | 'compatibility';
}

export interface NodeWebGPU {
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly adapterSummary: AdapterSummary;
  /** Destroys the device and drops Dawn, so the process can exit. */
  release(): void;
}

export interface NodeDeviceOptions {
  /** Features to request when the adapter has them (default: 'timestamp-query'). */
  readonly optionalFeatures?: readonly GPUFeatureName[];
  /** Also set navigator.gpu, which @tensorflow/tfjs-backend-webgpu looks for. Default false. */
  readonly installNavigator?: boolean;
  /**
   * Dawn's backend. Default 'vulkan'. 'opengl' gives an adapter at WebGPU's compatibility feature
   * level (Mesa's llvmpipe where there is no GPU; EGL_PLATFORM defaults to 'surfaceless').
   */
  readonly backend?: NodeBackend;
}

type WebGPUModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };

/**
 * Dawn's instance (the object create() returns) must outlive every device made from it: if the GC
 * collects it while a device is in use, Dawn crashes. Callers often keep only the device, so the
 * device holds the instance.
 */
const instances = new WeakMap<GPUDevice, { gpu: GPU; adapter: GPUAdapter }>();

async function loadDawn(): Promise<WebGPUModule> {
  try {
    return (await import('webgpu')) as unknown as WebGPUModule;
  } catch (cause) {
    throw new Error(
      "No WebGPU in Node: the npm package 'webgpu' (Dawn) could not be loaded; run `npm install webgpu`",
      { cause },
    );
  }
}

function hasGpuDeviceNode(): boolean {
  if (existsSync('/dev/nvidia0') || existsSync('/dev/dxg')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

async function adapterFrom(dawn: WebGPUModule): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> {
  const gpu = dawn.create([]);
  return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
}

/** Finds an adapter: the system's driver when a GPU is present, else (or if it fails) SwiftShader. */
async function findAdapter(
  dawn: WebGPUModule,
): Promise<{ gpu: GPU; adapter: GPUAdapter; driver: AdapterSummary['driver'] }> {
  const gpuPresent = hasGpuDeviceNode();
  if (process.env.VK_ICD_FILENAMES || gpuPresent) {
    const found = await adapterFrom(dawn);
    if (found.adapter)
      return {
        gpu: found.gpu,
        adapter: found.adapter,
        driver: process.env.VK_ICD_FILENAMES === SWIFTSHADER_ICD ? 'swiftshader' : 'system',
      };
    if (process.env.VK_ICD_FILENAMES)
      throw noAdapter(`VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES} gave no adapter`);
  }
  // Seen on an NVIDIA machine: the driver's Vulkan ICD (libGLX_nvidia) loads only beside glvnd's
  // libGLdispatch; VK_LOADER_DEBUG=error,driver shows why the loader skipped it.
  const why = gpuPresent
    ? 'a GPU is present (/dev) but its Vulkan driver gave Dawn no adapter ' +
      '(run with VK_LOADER_DEBUG=error,driver to see why)'
    : 'no GPU driver';
  if (!existsSync(SWIFTSHADER_ICD)) throw noAdapter(`${why}, and SwiftShader (${SWIFTSHADER_ICD}) is not installed`);
  // The Vulkan loader reads this when Dawn creates its instance, so it must be set first.
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const found = await adapterFrom(dawn);
  if (!found.adapter)
    throw noAdapter('SwiftShader is installed but gave no adapter (is libvulkan1, the Vulkan loader, installed?)');
  return { gpu: found.gpu, adapter: found.adapter, driver: 'swiftshader' };
}

function noAdapter(why: string): Error {
  return new Error(
    `No WebGPU adapter: ${why}. To use the CPU fallback on Debian/Ubuntu, run as root: ${PROVISION_COMMAND}`,
  );
}

/** Dawn's OpenGL backend, which offers WebGPU's compatibility feature level only. */
async function findOpenGLAdapter(
  dawn: WebGPUModule,
): Promise<{ gpu: GPU; adapter: GPUAdapter; driver: AdapterSummary['driver'] }> {
  // Mesa's EGL reads this when Dawn opens the display: without a window system, no display at all.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const gpu = dawn.create(['backend=opengl']);
  const adapter = await gpu.requestAdapter({ featureLevel: 'compatibility', powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      `No WebGPU adapter from Dawn's OpenGL backend (EGL_PLATFORM=${process.env.EGL_PLATFORM}). ` +
        `It needs EGL and an OpenGL 4.3+ driver; for Mesa's (llvmpipe on the CPU) on Debian/Ubuntu, ` +
        `run as root: ${OPENGL_PROVISION_COMMAND}`,
    );
  }
  return { gpu, adapter, driver: 'opengl' };
}

/** Dawn's GPU object and its adapter, with WebGPU's globals (GPUBufferUsage, ...) defined. */
async function openDawn(
  backend: NodeBackend = 'vulkan',
): Promise<{ gpu: GPU; adapter: GPUAdapter; adapterSummary: AdapterSummary }> {
  // Dawn's Vulkan loader complains on stderr when this is unset; any writable folder will do.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const dawn = await loadDawn();
  const { gpu, adapter, driver } = backend === 'opengl' ? await findOpenGLAdapter(dawn) : await findAdapter(dawn);
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
  }
  const info = adapter.info;
  return {
    gpu,
    adapter,
    adapterSummary: {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      isFallbackAdapter: info.isFallbackAdapter ?? false,
      driver,
      featureLevel: adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility',
    },
  };
}

function installNavigatorGPU(gpu: GPU): void {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.assign(globalThis, { navigator: { gpu } });
}

// Numbers devices, so that two of them never print the same name in an error.
let devicesRequested = 0;

export async function requestNodeDevice(options: NodeDeviceOptions = {}): Promise<NodeWebGPU> {
  checkOptions('requestNodeDevice: options', options, ['optionalFeatures', 'installNavigator', 'backend']);
  const backend = options.backend ?? 'vulkan';
  if (backend !== 'vulkan' && backend !== 'opengl')
    throw new TypeError(
      `requestNodeDevice: options.backend: expected 'vulkan' or 'opengl'; got ${describeValue(backend)}`,
    );
  if (options.optionalFeatures !== undefined && !Array.isArray(options.optionalFeatures)) {
    throw new TypeError(
      `requestNodeDevice: options.optionalFeatures: expected an array of GPUFeatureName; ` +
        `got ${describeValue(options.optionalFeatures)}`,
    );
  }
  if (options.installNavigator !== undefined && typeof options.installNavigator !== 'boolean') {
    throw new TypeError(
      `requestNodeDevice: options.installNavigator: expected a boolean; got ${describeValue(options.installNavigator)}`,
    );
  }
  const { gpu, adapter, adapterSummary } = await openDawn(backend);
  const requiredLimits = requestedLimits(adapter);
  const wanted = options.optionalFeatures ?? ['timestamp-query'];
  const requiredFeatures = wanted.filter((feature) => adapter.features.has(feature));
  const deviceLabel = `webgpu-rnn/node/${adapterSummary.driver}#${++devicesRequested}`;
  const device = await adapter.requestDevice({ label: deviceLabel, requiredLimits, requiredFeatures });
  instances.set(device, { gpu, adapter });
  if (options.installNavigator) installNavigatorGPU(gpu);
  return {
    gpu,
    adapter,
    device,
    adapterSummary,
    release() {
      device.destroy();
      const current = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
      if (options.installNavigator && current?.gpu === gpu) delete current.gpu;
    },
  };
}

type TfjsModules = [typeof import('@tensorflow/tfjs'), typeof import('@tensorflow/tfjs-backend-webgpu')];

async function loadTfjs(): Promise<TfjsModules> {
  try {
    return await Promise.all([import('@tensorflow/tfjs'), import('@tensorflow/tfjs-backend-webgpu')]);
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw cause;
    throw new Error(
      'useTfjsWebGPU needs TensorFlow.js and its webgpu backend: ' +
        'npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-webgpu@4.22.0',
      { cause },
    );
  }
}

/**
 * Makes tfjs's webgpu backend the active one in Node, on the adapter requestNodeDevice would pick
 * (navigator.gpu is set to Dawn, which the backend looks for). Returns that adapter.
 *
 * Works whichever order the backend module was imported in. It registers its backend factory when
 * it is first evaluated, and only if navigator.gpu exists then; in Node that is usually before this
 * call (a static import at the top of the file), so it registered nothing. The same factory is then
 * registered here: the backend's own class on a device from the Dawn adapter, with the limits
 * requestNodeDevice asks for.
 */
export async function useTfjsWebGPU(): Promise<AdapterSummary> {
  const { gpu, adapterSummary } = await openDawn();
  installNavigatorGPU(gpu);
  const [tf, { WebGPUBackend }] = await loadTfjs();
  if (!tf.findBackendFactory('webgpu')) {
    tf.registerBackend(
      'webgpu',
      async () => {
        const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
        if (!adapter) throw noAdapter('Dawn gave no adapter the second time it was asked');
        const requiredFeatures = (['timestamp-query'] as const).filter((feature) => adapter.features.has(feature));
        const device = await adapter.requestDevice({
          label: 'webgpu-rnn/node tfjs',
          requiredLimits: requestedLimits(adapter),
          requiredFeatures,
        });
        instances.set(device, { gpu, adapter });
        return new WebGPUBackend(device, adapter.info);
      },
      3,
    );
  }
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error(`tfjs could not start its webgpu backend on ${describeAdapter(adapterSummary)}`);
  }
  return adapterSummary;
}

/** One line naming the adapter, e.g. "google swiftshader (SwiftShader driver 5.0.0), CPU fallback adapter". */
export function describeAdapter(summary: AdapterSummary): string {
  // Dawn's OpenGL backend leaves vendor and architecture empty; its description names the driver.
  const name = [summary.vendor, summary.architecture].filter(Boolean).join(' ');
  const detail = name && summary.description ? ` (${summary.description})` : '';
  const described = name || summary.description || 'unknown adapter';
  const level = summary.featureLevel === 'compatibility' ? ', compatibility feature level' : '';
  return `${described}${detail}, ${summary.isFallbackAdapter ? 'CPU fallback adapter' : 'hardware adapter'}${level}`;
}
