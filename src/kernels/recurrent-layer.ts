/**
 * A fused recurrent layer on any GPUDevice, forward and backward, for any cell (see cell.ts): the one
 * composition of the core's kernels behind createSimpleRNN, createLSTM and createGRU.
 *
 *   forward:  input-projection (gates = x·kernel + bias, every step), the cell's recurrence-forward
 *   backward: the cell's recurrence-backward (dGates), weight-gradients, input-gradient
 *
 * With the persistent strategy each recurrence is one dispatch per chunk of steps; stepwise, one per
 * step and phase. Buffers are the caller's: the layer validates its configuration against the
 * device's limits once; each encode call checks every buffer before it allocates anything or encodes
 * into the caller's GPUCommandEncoder. Outputs not passed in are allocated (STORAGE | COPY_SRC |
 * COPY_DST) and returned; the caller owns and destroys them.
 *
 * Buffers have canonical names here (BufferName); a cell's public API renames a few (SimpleRNN's
 * gates are z, LSTM's saved sequence is c), and kernels bind them by these names.
 */
import { describeValue } from '../describe-value.js';
import { checkStorageBuffer, placeholderBuffer, storageUsage } from '../gpu/buffers.js';
import { checkBufferBytes, checkStorageBindings } from '../gpu/device-limits.js';
import { encodeKernel, label, preparePipelines } from '../gpu/encode.js';
import { countDispatches, type KernelRun, type KernelSpec } from '../gpu/kernel.js';
import type { Activation } from './activation.js';
import { cellShape, type Cell } from './cell.js';
import { describeShape, type ResolvedConfig } from './config.js';
import { describeInputGradient } from './input-gradient.js';
import { describeInputProjection } from './input-projection.js';
import { describeRecurrenceBackward } from './recurrence-backward.js';
import { describeRecurrenceForward } from './recurrence-forward.js';
import { foldedGrid, tiles4 } from './shape.js';
import { chooseStrategy, deviceTraits, type DeviceTraits, type Strategy } from './strategy.js';
import { describeWeightGradientSplits } from './weight-gradient-splits.js';
import { describeWeightGradients, weightGradientGrid, weightGradientSplits } from './weight-gradients.js';

export type BufferName =
  | 'x'
  | 'kernel'
  | 'recurrentKernel'
  | 'bias'
  | 'initialState'
  | 'initialCellState'
  | 'h'
  | 'gates'
  | 'saved'
  | 'last'
  | 'lastSaved'
  | 'dh'
  | 'dhLast'
  | 'dcLast'
  | 'dx'
  | 'dKernel'
  | 'dRecurrentKernel'
  | 'dBias'
  | 'dInitialState'
  | 'dInitialCellState'
  | 'dGates';

/** What every layer's config resolves to, with the fields a cell may not use at their defaults. */
export interface LayerConfig extends ResolvedConfig {
  readonly recurrentActivation: Activation;
  readonly useInitialCellState: boolean;
}

export interface LayerDescription {
  /** Names the layer in errors: SimpleRNN, LSTM, GRU. */
  readonly kind: string;
  readonly cell: Cell;
  readonly config: LayerConfig;
  readonly strategy?: Partial<Strategy> | undefined;
  /** Public names of the canonical buffers the cell renames. */
  readonly names: Partial<Record<BufferName, string>>;
  /** A second state c (LSTM): initialCellState, lastSaved, dcLast and dInitialCellState exist. */
  readonly cellState: boolean;
}

export type Buffers = Partial<Record<string, GPUBuffer | null | undefined>>;

/** The part of every layer object that does not depend on its cell's names. */
export interface RecurrentLayer<Config, ForwardInputs, ForwardOutputs, BackwardInputs, BackwardOutputs> {
  readonly device: GPUDevice;
  readonly config: Config;
  readonly strategy: Strategy;
  /** The kernel descriptions forward and backward encode, in order (without optional outputs). */
  readonly forwardRuns: readonly KernelRun[];
  readonly backwardRuns: readonly KernelRun[];
  /** Dispatches per call: what fusion is measured in. */
  readonly dispatches: { readonly forward: number; readonly backward: number };
  /** Compiles every pipeline ahead of time, asynchronously (optional; encoding compiles on demand). */
  prepare(): Promise<void>;
  encodeForward(encoder: GPUCommandEncoder, inputs: ForwardInputs, outputs?: Partial<ForwardOutputs>): ForwardOutputs;
  encodeBackward(
    encoder: GPUCommandEncoder,
    inputs: BackwardInputs,
    outputs?: Partial<BackwardOutputs>,
  ): BackwardOutputs;
  /**
   * Releases what the layer owns (the partials of split weight gradients, if it made any; pipelines
   * are cached per device); later calls throw.
   */
  destroy(): void;
}

/** Throws unless `device` is a GPUDevice. */
export function checkDevice(device: unknown, argument = 'device'): GPUDevice {
  const candidate = device as GPUDevice | null;
  if (
    typeof device !== 'object' ||
    candidate === null ||
    typeof candidate.createBuffer !== 'function' ||
    typeof candidate.limits !== 'object'
  ) {
    throw new TypeError(`${argument}: expected a GPUDevice; got ${describeValue(device)}`);
  }
  return candidate;
}

interface Layout {
  readonly bytes: number;
  readonly dims: string;
}

function layoutOf(c: LayerConfig, cell: Cell): Record<BufferName, Layout> {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const G = cell.gates;
  const entry = (...dims: number[]): Layout => ({
    bytes: dims.reduce((n, d) => n * d, 4),
    dims: `[${dims.join(', ')}]`,
  });
  const x = { bytes: B * T * F * 4, dims: describeShape(c) };
  const state = entry(B, U);
  const sequence = entry(B, T, U);
  const kernel = entry(F, G * U);
  const recurrentKernel = entry(U, G * U);
  const bias = cell.biasRows === 1 ? entry(G * U) : entry(2, G * U);
  return {
    x,
    kernel,
    recurrentKernel,
    bias,
    initialState: state,
    initialCellState: state,
    h: sequence,
    gates: entry(B, T, G * U),
    saved: sequence,
    last: state,
    lastSaved: state,
    dh: sequence,
    dhLast: state,
    dcLast: state,
    dx: x,
    dKernel: kernel,
    dRecurrentKernel: recurrentKernel,
    dBias: bias,
    dInitialState: state,
    dInitialCellState: state,
    dGates: entry(B, T, cell.gradientBlocks * U),
  };
}

function checkLimits(
  kind: string,
  c: LayerConfig,
  cell: Cell,
  strategy: Strategy,
  traits: DeviceTraits,
  layout: Record<BufferName, Layout>,
  specs: readonly KernelSpec[],
): void {
  const limits = traits.limits;
  const shape = describeShape(c);
  checkBufferBytes(`${kind} ${shape} needs`, Math.max(...Object.values(layout).map((l) => l.bytes)), limits);
  checkStorageBindings(specs, limits);
  const perDimension = limits.maxComputeWorkgroupsPerDimension;
  const [wx, wy] = strategy.gemmWorkgroup;
  const [gradientX, gradientY] = weightGradientGrid(cellShape(c, cell), cell.biasRows, strategy);
  const grids: [string, number][] = [
    [
      'batch row tiles after folding, ceil(batch / 4) / maxComputeWorkgroupsPerDimension',
      foldedGrid(tiles4(c.batch), perDimension)[1],
    ],
    ['gate column tiles, ceil(gates·units / 4 / gemmWorkgroup[0])', Math.ceil(tiles4(cell.gates * c.units) / wx)],
    ['feature tiles, ceil(features / 4 / gemmWorkgroup[0])', Math.ceil(tiles4(c.features) / wx)],
    ['weight-gradient column tiles', gradientX],
    ['weight-gradient tile rows', gradientY],
  ];
  if (strategy.recurrence === 'stepwise')
    grids.push([
      'unit tiles, ceil(units / 4 / recurrenceWorkgroupSize)',
      Math.ceil(tiles4(c.units) / strategy.recurrenceWorkgroupSize),
    ]);
  for (const [what, count] of grids) {
    if (count > perDimension) {
      throw new RangeError(
        `${kind} ${shape}: ${count} workgroups of ${what} exceed this device's maxComputeWorkgroupsPerDimension (${perDimension})`,
      );
    }
  }
  const invocations = limits.maxComputeInvocationsPerWorkgroup;
  const widest = Math.min(invocations, limits.maxComputeWorkgroupSizeX);
  if (strategy.recurrenceWorkgroupSize > widest) {
    throw new RangeError(
      `strategy.recurrenceWorkgroupSize ${strategy.recurrenceWorkgroupSize} is outside 1..${widest} (maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupSizeX)`,
    );
  }
  if (wx * wy > invocations || wx > limits.maxComputeWorkgroupSizeX || wy > limits.maxComputeWorkgroupSizeY) {
    throw new RangeError(
      `strategy.gemmWorkgroup [${wx}, ${wy}] exceeds this device's maxComputeInvocationsPerWorkgroup (${invocations}) or maxComputeWorkgroupSizeX/Y`,
    );
  }
  const weightBytes = layout.recurrentKernel.bytes;
  if (
    strategy.recurrence === 'persistent' &&
    strategy.weightsInWorkgroup &&
    weightBytes > limits.maxComputeWorkgroupStorageSize
  ) {
    throw new RangeError(
      `strategy.weightsInWorkgroup: recurrent_kernel is ${weightBytes} bytes; this device's maxComputeWorkgroupStorageSize is ${limits.maxComputeWorkgroupStorageSize}`,
    );
  }
}

/** Byte ranges of `sizes` bytes laid one after the other in one buffer, each starting at a multiple of `alignment`. */
export function alignedRanges(
  sizes: readonly number[],
  alignment: number,
): { ranges: { offset: number; size: number }[]; size: number } {
  let offset = 0;
  const ranges = sizes.map((size) => {
    const range = { offset, size };
    offset = Math.ceil((offset + size) / alignment) * alignment;
    return range;
  });
  return { ranges, size: offset };
}

/** Throws if a writable buffer is also bound elsewhere in the same call (WebGPU forbids it). */
function checkDistinct(
  writable: Record<string, GPUBuffer | null>,
  all: Record<string, GPUBuffer | null | undefined>,
): void {
  for (const [name, buffer] of Object.entries(writable)) {
    if (!buffer) continue;
    for (const [other, candidate] of Object.entries(all)) {
      if (other !== name && candidate === buffer) {
        throw new TypeError(
          `${name}: the same GPUBuffer is also passed as ${other}; an output must have a buffer of its own`,
        );
      }
    }
  }
}

/**
 * Binds each of a spec's bindings to the buffer of that name (its layout's bytes, or `sizes`'), or to
 * a placeholder the kernel never reads.
 */
function bindingsFor<B extends string>(
  device: GPUDevice,
  spec: KernelSpec<string, B>,
  buffers: Partial<Record<BufferName, GPUBuffer | null>>,
  layout: Record<BufferName, Layout>,
  sizes: Partial<Record<BufferName, number>> = {},
): Record<B, GPUBufferBinding> {
  return Object.fromEntries(
    spec.bindings.map((binding, slot) => {
      const name = binding.name as BufferName;
      const buffer = buffers[name];
      return [
        binding.name,
        buffer
          ? { buffer, size: sizes[name] ?? layout[name].bytes }
          : { buffer: placeholderBuffer(device, binding.access, slot) },
      ];
    }),
  ) as Record<B, GPUBufferBinding>;
}

/**
 * Past strategy.weightGradientRows rows the weight gradients come in partials, one per split, and a
 * second dispatch adds them up: the partials of dKernel, dRecurrentKernel and dBias are three ranges
 * of one scratch buffer the layer owns. Null when one split holds every row.
 */
export function planSplits(
  kind: string,
  c: LayerConfig,
  cell: Cell,
  biasRows: number,
  strategy: Strategy,
  traits: DeviceTraits,
) {
  const splits = weightGradientSplits(c, strategy.weightGradientRows);
  if (splits === 1) return null;
  const sizes = {
    kernelSize: c.features * cell.gates * c.units,
    recurrentSize: c.units * cell.gates * c.units,
    biasSize: biasRows * cell.gates * c.units,
  };
  const bytes = [sizes.kernelSize, sizes.recurrentSize, sizes.biasSize].map(
    (floats) => Math.max(4, floats * splits) * 4,
  );
  const { ranges, size } = alignedRanges(bytes, traits.limits.minStorageBufferOffsetAlignment);
  if (Math.max(...bytes) > traits.limits.maxStorageBufferBindingSize || size > traits.limits.maxBufferSize) {
    throw new RangeError(
      `${kind} ${describeShape(c)}: the weight gradients in ${splits} splits of strategy.weightGradientRows (${strategy.weightGradientRows}) rows need ${size} bytes of partials; this device's maxStorageBufferBindingSize is ${traits.limits.maxStorageBufferBindingSize} and maxBufferSize ${traits.limits.maxBufferSize}`,
    );
  }
  return { run: describeWeightGradientSplits(sizes, splits, strategy, traits), ranges, size };
}

export function createRecurrentLayer<Config, FI, FO, BI, BO>(
  device: GPUDevice,
  description: LayerDescription & { readonly publicConfig: Config },
): RecurrentLayer<Config, FI, FO, BI, BO> {
  const { kind, cell, config: c, names } = description;
  const traits = deviceTraits(device);
  const shape = cellShape(c, cell);
  const strategy = chooseStrategy(traits, shape, description.strategy);
  const layout = layoutOf(c, cell);
  const activations = { activation: c.activation, recurrentActivation: c.recurrentActivation };
  const forwardRun = (writeLast: boolean, writeLastSaved: boolean) =>
    describeRecurrenceForward(
      cell,
      shape,
      { ...activations, useInitialState: c.useInitialState, hasCellInput: hasCellInput(), writeLast, writeLastSaved },
      strategy,
      traits,
    );
  const backwardRun = (lastStepOnly: boolean, hasCellGradient: boolean) =>
    describeRecurrenceBackward(
      cell,
      shape,
      {
        ...activations,
        lastStepOnly,
        useInitialState: c.useInitialState,
        hasCellInput: description.cellState && c.useInitialCellState,
        hasCellGradient,
      },
      strategy,
      traits,
    );
  // The forward's own input: LSTM's initial cell state, or a GRU's recurrent bias row.
  function hasCellInput(): boolean {
    return description.cellState ? c.useInitialCellState : cell.biasRows === 2 && c.useBias;
  }
  const projection = describeInputProjection(shape, c, strategy, traits);
  const biasRows = c.useBias ? cell.biasRows : 0;
  const weightGrads = describeWeightGradients(
    shape,
    { goBackwards: c.goBackwards, biasRows, useInitialState: c.useInitialState, savedOperand: cell.savedOperand },
    strategy,
  );
  const splitting = planSplits(kind, c, cell, biasRows, strategy, traits);
  let partials: GPUBuffer | null = null;
  const inputGrad = describeInputGradient(shape, c, strategy, traits);
  const forwardRuns = [projection, forwardRun(false, false)];
  const backwardRuns = [backwardRun(false, false), weightGrads, ...(splitting ? [splitting.run] : []), inputGrad];
  checkLimits(
    kind,
    c,
    cell,
    strategy,
    traits,
    layout,
    [...forwardRuns, ...backwardRuns].map((r) => r.spec),
  );

  const publicName = (name: BufferName): string => names[name] ?? name;
  const what = (name: BufferName): string => `${publicName(name)} ${layout[name].dims} float32`;
  const allocate = (name: BufferName): GPUBuffer =>
    device.createBuffer({ label: label(kind, publicName(name)), size: layout[name].bytes, usage: storageUsage() });
  let destroyed = false;
  const checkAlive = (method: string) => {
    if (destroyed) throw new Error(`${kind}.${method}: this ${kind} was destroyed; create a new one`);
  };

  function checkObject(value: unknown, argument: string): Buffers {
    if (typeof value !== 'object' || value === null)
      throw new TypeError(`${argument}: expected an object of GPUBuffers; got ${describeValue(value)}`);
    return value as Buffers;
  }
  const required = (buffers: Buffers, argument: string, name: BufferName) =>
    checkStorageBuffer(`${argument}.${publicName(name)}`, buffers[publicName(name)], layout[name].bytes, what(name));
  /** A buffer the config says is given (flag true) or absent. */
  function optional(
    buffers: Buffers,
    argument: string,
    name: BufferName,
    used: boolean,
    flag: string,
  ): GPUBuffer | null {
    if (used) return required(buffers, argument, name);
    const value = buffers[publicName(name)];
    if (value !== undefined && value !== null) {
      throw new TypeError(
        `${argument}.${publicName(name)}: given, but config.${flag} is false; pass config.${flag}: true to use it`,
      );
    }
    return null;
  }
  /** Outputs the caller passed in, checked; the rest are allocated after every check passed. */
  function givenOutputs(outputs: unknown, present: readonly BufferName[]): Partial<Record<BufferName, GPUBuffer>> {
    const given = checkObject(outputs, 'outputs');
    return Object.fromEntries(
      present.flatMap((name) => {
        const value = given[publicName(name)];
        return value === undefined || value === null
          ? []
          : [[name, checkStorageBuffer(`outputs.${publicName(name)}`, value, layout[name].bytes, what(name))]];
      }),
    );
  }
  const prefixed = (prefix: string, buffers: Partial<Record<BufferName, GPUBuffer | null>>) =>
    Object.fromEntries(
      Object.entries(buffers).map(([name, buffer]) => [`${prefix}.${publicName(name as BufferName)}`, buffer ?? null]),
    );
  const publicResult = (buffers: Partial<Record<BufferName, GPUBuffer | null>>) =>
    Object.fromEntries(Object.entries(buffers).map(([name, buffer]) => [publicName(name as BufferName), buffer]));

  function checkWeights(buffers: Buffers) {
    return {
      x: required(buffers, 'inputs', 'x'),
      kernel: required(buffers, 'inputs', 'kernel'),
      recurrentKernel: required(buffers, 'inputs', 'recurrentKernel'),
      initialState: optional(buffers, 'inputs', 'initialState', c.useInitialState, 'useInitialState'),
      ...(description.cellState
        ? {
            initialCellState: optional(
              buffers,
              'inputs',
              'initialCellState',
              c.useInitialCellState,
              'useInitialCellState',
            ),
          }
        : {}),
    };
  }

  return {
    device,
    config: description.publicConfig,
    strategy,
    forwardRuns,
    backwardRuns,
    dispatches: { forward: countDispatches(forwardRuns), backward: countDispatches(backwardRuns) },

    prepare: () => preparePipelines(device, [...forwardRuns, ...backwardRuns]),

    encodeForward(encoder, inputs, outputs = {}) {
      checkAlive('encodeForward');
      const given = checkObject(inputs, 'inputs');
      const read = { ...checkWeights(given), bias: optional(given, 'inputs', 'bias', c.useBias, 'useBias') };
      const produced: BufferName[] = [
        'h',
        'gates',
        ...(cell.saves ? (['saved'] as const) : []),
        'last',
        ...(description.cellState ? (['lastSaved'] as const) : []),
      ];
      const out = givenOutputs(outputs, produced);
      const writable = prefixed('outputs', out);
      checkDistinct(writable, { ...writable, ...prefixed('inputs', read) });
      const written = {
        h: out.h ?? allocate('h'),
        gates: out.gates ?? allocate('gates'),
        ...(cell.saves ? { saved: out.saved ?? allocate('saved') } : {}),
        last: out.last ?? null,
        ...(description.cellState ? { lastSaved: out.lastSaved ?? null } : {}),
      };
      const buffers = { ...read, ...written };
      encodeKernel(device, encoder, projection, bindingsFor(device, projection.spec, buffers, layout));
      const recurrence = forwardRun(written.last !== null, (written.lastSaved ?? null) !== null);
      encodeKernel(device, encoder, recurrence, bindingsFor(device, recurrence.spec, buffers, layout));
      return publicResult(written) as FO;
    },

    encodeBackward(encoder, inputs, outputs = {}) {
      checkAlive('encodeBackward');
      const given = checkObject(inputs, 'inputs');
      const read = {
        ...checkWeights(given),
        h: required(given, 'inputs', 'h'),
        gates: required(given, 'inputs', 'gates'),
        ...(cell.saves ? { saved: required(given, 'inputs', 'saved') } : {}),
      };
      if ((given.dh == null) === (given.dhLast == null)) {
        throw new TypeError(
          'inputs.dh / inputs.dhLast: expected exactly one, the gradient for every state or for the last state only',
        );
      }
      const lastStepOnly = given.dh == null;
      const dh = lastStepOnly ? required(given, 'inputs', 'dhLast') : required(given, 'inputs', 'dh');
      const dcLast = description.cellState && given.dcLast != null ? required(given, 'inputs', 'dcLast') : null;
      const out = givenOutputs(outputs, [
        'dx',
        'dKernel',
        'dRecurrentKernel',
        ...(c.useBias ? (['dBias'] as const) : []),
        'dInitialState',
        ...(description.cellState ? (['dInitialCellState'] as const) : []),
        'dGates',
      ]);
      if (dcLast) {
        if ((dcLast.usage & GPUBufferUsage.COPY_SRC) === 0)
          throw new TypeError(
            'inputs.dcLast: the buffer needs GPUBufferUsage.COPY_SRC (it is copied to start the carried cell gradient)',
          );
        if (out.dInitialCellState && (out.dInitialCellState.usage & GPUBufferUsage.COPY_DST) === 0) {
          throw new TypeError(
            'outputs.dInitialCellState: the buffer needs GPUBufferUsage.COPY_DST when inputs.dcLast is given (dcLast is copied into it)',
          );
        }
      }
      const writable = prefixed('outputs', out);
      checkDistinct(writable, {
        ...writable,
        ...prefixed('inputs', { ...read, [lastStepOnly ? 'dhLast' : 'dh']: dh, dcLast }),
      });
      const written = {
        dx: out.dx ?? allocate('dx'),
        dKernel: out.dKernel ?? allocate('dKernel'),
        dRecurrentKernel: out.dRecurrentKernel ?? allocate('dRecurrentKernel'),
        dBias: c.useBias ? (out.dBias ?? allocate('dBias')) : null,
        dInitialState: out.dInitialState ?? allocate('dInitialState'),
        ...(description.cellState ? { dInitialCellState: out.dInitialCellState ?? allocate('dInitialCellState') } : {}),
        dGates: out.dGates ?? allocate('dGates'),
      };
      const buffers = { ...read, dh, ...written };
      if (dcLast && written.dInitialCellState)
        encoder.copyBufferToBuffer(dcLast, 0, written.dInitialCellState, 0, layout.dcLast.bytes);
      const recurrence = backwardRun(lastStepOnly, dcLast !== null);
      const sizes = { dh: layout[lastStepOnly ? 'dhLast' : 'dh'].bytes };
      encodeKernel(device, encoder, recurrence, bindingsFor(device, recurrence.spec, buffers, layout, sizes));
      const gradients = bindingsFor(device, weightGrads.spec, buffers, layout);
      if (splitting) {
        partials ??= device.createBuffer({
          label: label(kind, 'weight-gradient partials'),
          size: splitting.size,
          usage: GPUBufferUsage.STORAGE,
        });
        const [kernel, recurrent, bias] = splitting.ranges.map((range) => ({ buffer: partials!, ...range })) as [
          GPUBufferBinding,
          GPUBufferBinding,
          GPUBufferBinding,
        ];
        encodeKernel(device, encoder, weightGrads, {
          ...gradients,
          dKernel: kernel,
          dRecurrentKernel: recurrent,
          dBias: bias,
        });
        encodeKernel(device, encoder, splitting.run, {
          kernelSplits: kernel,
          recurrentSplits: recurrent,
          biasSplits: bias,
          dKernel: gradients.dKernel,
          dRecurrentKernel: gradients.dRecurrentKernel,
          dBias: gradients.dBias,
        });
      } else {
        encodeKernel(device, encoder, weightGrads, gradients);
      }
      encodeKernel(device, encoder, inputGrad, bindingsFor(device, inputGrad.spec, buffers, layout));
      return publicResult(written) as BO;
    },

    destroy() {
      destroyed = true;
      partials?.destroy();
    },
  };
}
