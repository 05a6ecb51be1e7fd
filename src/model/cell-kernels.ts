/**
 * A cell's four tfjs kernels, built from its definition (kernel-names.ts states their inputs and
 * outputs): forward and gradient on the webgpu backend, where they are the core's fused kernels on
 * the backend's own device, zero-copy in its command encoder; and on the cpu backend, where they are
 * the cell's float64 reference with results in float32.
 */
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { BufferName, CellDefinition, LayerConfig } from '../kernels/cell.js';
import { expandLastStep, lastStates } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues } from './cpu-tensors.js';
import {
  gradientKernelName,
  kernelAttrs,
  kernelConfig,
  kernelInputs,
  kernelName,
  type KernelInputs,
  type RecurrentAttrs,
} from './kernel-names.js';
import { layerFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

type Shapes = Record<string, number[] | null>;

/** The shapes of a kernel's outputs by canonical name, null where the call has none. */
function forwardShapes(cell: CellDefinition, c: LayerConfig, attrs: RecurrentAttrs): Shapes {
  const { batch: B, timesteps: T, units: U } = c;
  const core = cell.cell(c);
  return {
    h: [B, T, U],
    gates: [B, T, core.gates * U],
    saved: core.saves ? [B, T, U] : null,
    last: attrs.returnSequences ? null : [B, U],
    lastSaved: cell.states === 2 && attrs.returnState ? [B, U] : null,
  };
}

function gradientShapes(cell: CellDefinition, c: LayerConfig): Shapes {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const core = cell.cell(c);
  const columns = core.gates * U;
  return {
    dx: [B, T, F],
    dKernel: [F, columns],
    dRecurrentKernel: [U, columns],
    dBias: c.useBias ? (core.biasRows === 2 ? [2, columns] : [columns]) : null,
    dInitialState: [B, U],
    dInitialCellState: cell.states === 2 ? [B, U] : null,
    dGates: [B, T, core.gradientBlocks * U],
  };
}

/** Gradient outputs in order: dx, dKernel, dRecurrentKernel, then those of the inputs given. */
const gradientOrder = (c: LayerConfig) =>
  [
    'dx',
    'dKernel',
    'dRecurrentKernel',
    ...(c.useBias ? ['dBias'] : []),
    ...(c.useInitialState ? ['dInitialState'] : []),
    ...(c.useInitialCellState ? ['dInitialCellState'] : []),
  ] as BufferName[];

const FORWARD_ORDER: BufferName[] = ['h', 'gates', 'saved', 'last', 'lastSaved'];

/** Canonical names to the cell's public ones and back. */
function naming(cell: CellDefinition) {
  const publicName = (name: BufferName) => cell.names[name] ?? name;
  const renamed = <T>(values: Partial<Record<BufferName, T>>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [publicName(name as BufferName), value]));
  return { publicName, renamed };
}

function webgpuForward(cell: CellDefinition): KernelConfig {
  const { renamed } = naming(cell);
  return {
    kernelName: kernelName(cell),
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gpu = adaptWebGPUBackend(backend);
      const input = kernelInputs(inputs);
      const a = kernelAttrs(attrs);
      const c = kernelConfig(input, a);
      const layer = layerFor(gpu.device, cell, c);
      const shapes = forwardShapes(cell, c, a);
      const out = encodeOutputs(gpu, Object.values(input), shapes, [], (encoder, o) =>
        layer.encodeForward(encoder, inputBuffers(gpu, input), renamed(o)),
      );
      return present(FORWARD_ORDER.map((name) => out[name] ?? null));
    },
  };
}

function webgpuGradient(cell: CellDefinition): KernelConfig {
  const { renamed } = naming(cell);
  return {
    kernelName: gradientKernelName(cell),
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gpu = adaptWebGPUBackend(backend);
      const input = kernelInputs(inputs);
      const a = kernelAttrs(attrs);
      const c = kernelConfig(input, a);
      const layer = layerFor(gpu.device, cell, c);
      // dy is the gradient of every state, or of the last one only.
      const { dy, ...rest } = input;
      const buffers = { ...inputBuffers(gpu, rest), [a.returnSequences ? 'dh' : 'dhLast']: gpu.buffer(dy!) };
      // The initial states' gradients are written either way: scratch unless they are inputs.
      const scratch: BufferName[] = ['dGates'];
      if (!c.useInitialState) scratch.push('dInitialState');
      if (!c.useInitialCellState) scratch.push('dInitialCellState');
      const out = encodeOutputs(gpu, Object.values(input), gradientShapes(cell, c), scratch, (encoder, o) =>
        layer.encodeBackward(encoder, buffers, renamed(o)),
      );
      return present(gradientOrder(c).map((name) => out[name] ?? null));
    },
  };
}

/** Every input given, as float32 values of the cpu backend. */
function cpuArrays(cpu: KernelBackend, inputs: KernelInputs): Record<string, Float32Array> {
  return Object.fromEntries(
    Object.entries(inputs).flatMap(([name, tensor]) => (tensor ? [[name, cpuValues(cpu, tensor)]] : [])),
  );
}

function cpuForward(cell: CellDefinition): KernelConfig {
  const { publicName } = naming(cell);
  return {
    kernelName: kernelName(cell),
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as KernelBackend;
      const input = kernelInputs(inputs);
      const a = kernelAttrs(attrs);
      const c = kernelConfig(input, a);
      const { batch: B, timesteps: T, units: U } = c;
      const forward = cell.reference.forward(cpuArrays(cpu, input), c);
      const h = forward.h!;
      const saved = forward[publicName('saved')] ?? null;
      const values: Partial<Record<BufferName, ArrayLike<number> | null>> = {
        h,
        gates: forward[publicName('gates')]!,
        saved,
        last: lastStates(h, B, T, U),
        lastSaved: saved && lastStates(saved, B, T, U),
      };
      const shapes = forwardShapes(cell, c, a);
      return FORWARD_ORDER.flatMap((name) => (shapes[name] ? [cpuTensor(cpu, values[name]!, shapes[name])] : []));
    },
  };
}

function cpuGradient(cell: CellDefinition): KernelConfig {
  return {
    kernelName: gradientKernelName(cell),
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as KernelBackend;
      const input = kernelInputs(inputs);
      const a = kernelAttrs(attrs);
      const c = kernelConfig(input, a);
      const { batch: B, timesteps: T, units: U } = c;
      const { dy, ...arrays } = cpuArrays(cpu, input);
      const dh = a.returnSequences ? dy! : expandLastStep(dy!, B, T, U);
      const gradients = cell.reference.backward({ ...arrays, dh }, c);
      const shapes = gradientShapes(cell, c);
      return gradientOrder(c).map((name): TensorInfo => cpuTensor(cpu, gradients[name]!, shapes[name]!));
    },
  };
}

/** The cell's kernels: forward and gradient, webgpu and cpu. */
export const cellKernels = (cell: CellDefinition): KernelConfig[] => [
  webgpuForward(cell),
  webgpuGradient(cell),
  cpuForward(cell),
  cpuGradient(cell),
];
