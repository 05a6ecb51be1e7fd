/**
 * The fused SimpleRNN layer on any GPUDevice, forward and backward, with Keras semantics:
 *
 *   z_s = x_t(s) · kernel + h_{s-1} · recurrentKernel + bias,   h_s = activate(z_s),
 *   t(s) = goBackwards ? T-1-s : s,   h_{-1} = initialState or 0,
 *
 * outputs in consumption order. Forward encodes 2 kernels (input-projection, then
 * recurrence-forward); backward encodes 3 (recurrence-backward, weight-gradients, input-gradient).
 * With the persistent strategy each is one dispatch; stepwise, the recurrences take one per step.
 *
 * Buffers are the caller's: createSimpleRNN validates the configuration against the device's
 * limits once, encodeForward/encodeBackward check each buffer and encode into the caller's
 * GPUCommandEncoder. Outputs not passed in are allocated (STORAGE | COPY_SRC | COPY_DST) and
 * returned; the caller owns and destroys them. Nothing is allocated when a check fails.
 */
import { checkStorageBuffer, placeholderBuffer, storageUsage } from '../gpu/buffers.js';
import { encodeKernel, label, preparePipelines, type EncodeOptions } from '../gpu/encode.js';
import { countDispatches, type KernelRun } from '../gpu/kernel.js';
import { describeShape, resolveConfig, type ResolvedConfig, type SimpleRNNConfig } from './config.js';
import { describeInputGradient, type InputGradientRun } from './input-gradient.js';
import { describeInputProjection, type InputProjectionRun } from './input-projection.js';
import { describeRecurrenceBackward, type RecurrenceBackwardRun } from './recurrence-backward.js';
import { describeRecurrenceForward, type RecurrenceForwardRun } from './recurrence-forward.js';
import { tiles4 } from './shape.js';
import { chooseStrategy, deviceTraits, type DeviceTraits, type Strategy } from './strategy.js';
import { describeWeightGradients, weightGradientTileRows, type WeightGradientsRun } from './weight-gradients.js';

export interface SimpleRNNForwardInputs {
  /** [batch, timesteps, features] */
  readonly x: GPUBuffer;
  /** [features, units] */
  readonly kernel: GPUBuffer;
  /** [units, units] */
  readonly recurrentKernel: GPUBuffer;
  /** [units]; required when config.useBias (the default). */
  readonly bias?: GPUBuffer | null;
  /** [batch, units]; required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
}

export interface SimpleRNNForwardOutputs {
  /** Every hidden state, [batch, timesteps, units]; h[:, T-1] is the layer's output. */
  readonly h: GPUBuffer;
  /** Pre-activations, [batch, timesteps, units]: what the backward pass needs besides h. */
  readonly z: GPUBuffer;
  /** The last state on its own, [batch, units]: written only when passed in as an output. */
  readonly last: GPUBuffer | null;
}

export interface SimpleRNNBackwardInputs {
  readonly x: GPUBuffer;
  readonly kernel: GPUBuffer;
  readonly recurrentKernel: GPUBuffer;
  /** Required when config.useInitialState. */
  readonly initialState?: GPUBuffer | null;
  /** From the forward pass. */
  readonly h: GPUBuffer;
  readonly z: GPUBuffer;
  /** Gradient of the loss with respect to every hidden state, [batch, timesteps, units]... */
  readonly dh?: GPUBuffer;
  /** ...or, instead, with respect to the last state only, [batch, units] (a layer without returnSequences). */
  readonly dhLast?: GPUBuffer;
}

export interface SimpleRNNBackwardOutputs {
  /** [batch, timesteps, features] */
  readonly dx: GPUBuffer;
  /** [features, units] */
  readonly dKernel: GPUBuffer;
  /** [units, units] */
  readonly dRecurrentKernel: GPUBuffer;
  /** [units]; null when config.useBias is false. */
  readonly dBias: GPUBuffer | null;
  /** [batch, units]: gradient with respect to the initial state (zeros or given). */
  readonly dInitialState: GPUBuffer;
  /** Gradient with respect to the pre-activations, [batch, timesteps, units] (scratch for the GEMMs). */
  readonly dz: GPUBuffer;
}

export interface SimpleRNN {
  readonly device: GPUDevice;
  readonly config: ResolvedConfig;
  readonly strategy: Strategy;
  /** The kernel descriptions forward and backward encode, in order. */
  readonly forwardRuns: readonly KernelRun[];
  readonly backwardRuns: readonly KernelRun[];
  /** Dispatches per call: what fusion is measured in. */
  readonly dispatches: { readonly forward: number; readonly backward: number };
  /** Compiles every pipeline ahead of time, asynchronously (optional; encoding compiles on demand). */
  prepare(): Promise<void>;
  encodeForward(encoder: GPUCommandEncoder, inputs: SimpleRNNForwardInputs, outputs?: Partial<SimpleRNNForwardOutputs>): SimpleRNNForwardOutputs;
  encodeBackward(
    encoder: GPUCommandEncoder,
    inputs: SimpleRNNBackwardInputs,
    outputs?: Partial<SimpleRNNBackwardOutputs>,
  ): SimpleRNNBackwardOutputs;
}

interface Sizes {
  readonly x: number;
  readonly kernel: number;
  readonly recurrentKernel: number;
  readonly bias: number;
  readonly state: number;
  readonly sequence: number;
}

function sizesOf(c: ResolvedConfig): Sizes {
  const f32 = 4;
  return {
    x: c.batch * c.timesteps * c.features * f32,
    kernel: c.features * c.units * f32,
    recurrentKernel: c.units * c.units * f32,
    bias: c.units * f32,
    state: c.batch * c.units * f32,
    sequence: c.batch * c.timesteps * c.units * f32,
  };
}

function checkLimits(c: ResolvedConfig, strategy: Strategy, traits: DeviceTraits, sizes: Sizes): void {
  const limits = traits.limits;
  const shape = describeShape(c);
  const largest = Math.max(sizes.x, sizes.kernel, sizes.recurrentKernel, sizes.sequence);
  for (const limit of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const) {
    if (largest > limits[limit]) {
      throw new RangeError(`${shape} needs a ${largest}-byte buffer; this device's ${limit} is ${limits[limit]}`);
    }
  }
  if (limits.maxStorageBuffersPerShaderStage < 7) {
    throw new RangeError(`weight-gradients binds 7 storage buffers; this device's maxStorageBuffersPerShaderStage is ${limits.maxStorageBuffersPerShaderStage}`);
  }
  const perDimension = limits.maxComputeWorkgroupsPerDimension;
  const [wx, wy] = strategy.gemmWorkgroup;
  const grids: [string, number][] = [
    ['batch row tiles, ceil(batch / 4)', tiles4(c.batch)],
    ['unit tiles, ceil(units / 4 / gemmWorkgroup[0])', Math.ceil(tiles4(c.units) / wx)],
    ['feature tiles, ceil(features / 4 / gemmWorkgroup[0])', Math.ceil(tiles4(c.features) / wx)],
    ['weight-gradient tile rows', Math.ceil(weightGradientTileRows(c, c.useBias) / wy)],
  ];
  for (const [what, count] of grids) {
    if (count > perDimension) {
      throw new RangeError(`${shape}: ${count} workgroups of ${what} exceed this device's maxComputeWorkgroupsPerDimension (${perDimension})`);
    }
  }
  const invocations = limits.maxComputeInvocationsPerWorkgroup;
  if (strategy.recurrenceWorkgroupSize > Math.min(invocations, limits.maxComputeWorkgroupSizeX) || strategy.recurrenceWorkgroupSize < 1) {
    throw new RangeError(
      `strategy.recurrenceWorkgroupSize ${strategy.recurrenceWorkgroupSize} is outside 1..${Math.min(invocations, limits.maxComputeWorkgroupSizeX)} (maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupSizeX)`,
    );
  }
  if (wx * wy > invocations || wx > limits.maxComputeWorkgroupSizeX || wy > limits.maxComputeWorkgroupSizeY || wx < 1 || wy < 1) {
    throw new RangeError(`strategy.gemmWorkgroup [${wx}, ${wy}] exceeds this device's maxComputeInvocationsPerWorkgroup (${invocations}) or maxComputeWorkgroupSizeX/Y`);
  }
  if (strategy.recurrence === 'persistent' && strategy.weightsInWorkgroup && sizes.recurrentKernel > limits.maxComputeWorkgroupStorageSize) {
    throw new RangeError(
      `strategy.weightsInWorkgroup: recurrent_kernel is ${sizes.recurrentKernel} bytes; this device's maxComputeWorkgroupStorageSize is ${limits.maxComputeWorkgroupStorageSize}`,
    );
  }
}

/** Throws if any writable buffer is also bound elsewhere in the same call (WebGPU forbids it). */
function checkDistinct(writable: Record<string, GPUBuffer | null>, all: Record<string, GPUBuffer | null | undefined>): void {
  for (const [name, buffer] of Object.entries(writable)) {
    if (!buffer) continue;
    for (const [other, candidate] of Object.entries(all)) {
      if (other !== name && candidate === buffer) {
        throw new TypeError(`${name}: the same GPUBuffer is also passed as ${other}; an output must have a buffer of its own`);
      }
    }
  }
}

export function createSimpleRNN(device: GPUDevice, config: SimpleRNNConfig): SimpleRNN {
  const c = resolveConfig(config);
  const traits = deviceTraits(device);
  const strategy = chooseStrategy(traits, c, config.strategy);
  const sizes = sizesOf(c);
  checkLimits(c, strategy, traits, sizes);
  const shape = describeShape(c);

  const projection: InputProjectionRun = describeInputProjection(c, c, strategy, traits);
  const forwardRecurrence: Record<'statesOnly' | 'withLast', RecurrenceForwardRun> = {
    statesOnly: describeRecurrenceForward(c, { ...c, writeLast: false }, strategy),
    withLast: describeRecurrenceForward(c, { ...c, writeLast: true }, strategy),
  };
  const backwardRecurrence: Record<'everyStep' | 'lastStepOnly', RecurrenceBackwardRun> = {
    everyStep: describeRecurrenceBackward(c, { ...c, lastStepOnly: false }, strategy),
    lastStepOnly: describeRecurrenceBackward(c, { ...c, lastStepOnly: true }, strategy),
  };
  const weightGrads: WeightGradientsRun = describeWeightGradients(c, c, strategy);
  const inputGrad: InputGradientRun = describeInputGradient(c, c, strategy, traits);
  const forwardRuns = [projection, forwardRecurrence.statesOnly];
  const backwardRuns = [backwardRecurrence.everyStep, weightGrads, inputGrad];

  const binding = (buffer: GPUBuffer, size: number): GPUBufferBinding => ({ buffer, size });
  const optional = (buffer: GPUBuffer | null | undefined, size: number): GPUBufferBinding =>
    buffer ? binding(buffer, size) : { buffer: placeholderBuffer(device, 'read') };
  const allocate = (name: string, size: number): GPUBuffer =>
    device.createBuffer({ label: label(name), size, usage: storageUsage() });

  function checkOptional(argument: string, value: GPUBuffer | null | undefined, used: boolean, flag: string, bytes: number, what: string) {
    if (used) return checkStorageBuffer(argument, value, bytes, what);
    if (value !== undefined && value !== null) {
      throw new TypeError(`${argument}: given, but config.${flag} is false; pass config.${flag}: true to use it`);
    }
    return null;
  }

  function checkForwardInputs(inputs: SimpleRNNForwardInputs, argument: string) {
    if (typeof inputs !== 'object' || inputs === null) throw new TypeError(`${argument}: expected an object of GPUBuffers`);
    return {
      x: checkStorageBuffer(`${argument}.x`, inputs.x, sizes.x, `x ${shape} float32`),
      kernel: checkStorageBuffer(`${argument}.kernel`, inputs.kernel, sizes.kernel, `kernel [${c.features}, ${c.units}] float32`),
      recurrentKernel: checkStorageBuffer(`${argument}.recurrentKernel`, inputs.recurrentKernel, sizes.recurrentKernel, `recurrentKernel [${c.units}, ${c.units}] float32`),
      initialState: checkOptional(`${argument}.initialState`, inputs.initialState, c.useInitialState, 'useInitialState', sizes.state, `initialState [${c.batch}, ${c.units}] float32`),
    };
  }

  const sequence = `[${c.batch}, ${c.timesteps}, ${c.units}] float32`;

  return {
    device,
    config: c,
    strategy,
    forwardRuns,
    backwardRuns,
    dispatches: { forward: countDispatches(forwardRuns), backward: countDispatches(backwardRuns) },

    prepare: () => preparePipelines(device, [...forwardRuns, ...backwardRuns]),

    encodeForward(encoder, inputs, outputs = {}) {
      const checked = checkForwardInputs(inputs, 'inputs');
      const bias = checkOptional('inputs.bias', inputs.bias, c.useBias, 'useBias', sizes.bias, `bias [${c.units}] float32`);
      const given = {
        h: outputs.h == null ? null : checkStorageBuffer('outputs.h', outputs.h, sizes.sequence, `h ${sequence}`),
        z: outputs.z == null ? null : checkStorageBuffer('outputs.z', outputs.z, sizes.sequence, `z ${sequence}`),
        last: outputs.last == null ? null : checkStorageBuffer('outputs.last', outputs.last, sizes.state, `last [${c.batch}, ${c.units}]`),
      };
      const writable = { 'outputs.h': given.h, 'outputs.z': given.z, 'outputs.last': given.last };
      checkDistinct(writable, {
        ...writable,
        'inputs.x': checked.x,
        'inputs.kernel': checked.kernel,
        'inputs.recurrentKernel': checked.recurrentKernel,
        'inputs.bias': bias,
        'inputs.initialState': checked.initialState,
      });
      const h = given.h ?? allocate('forward/h', sizes.sequence);
      const z = given.z ?? allocate('forward/z', sizes.sequence);
      encodeKernel(device, encoder, projection, {
        x: binding(checked.x, sizes.x),
        kernel: binding(checked.kernel, sizes.kernel),
        bias: optional(bias, sizes.bias),
        z: binding(z, sizes.sequence),
      });
      encodeKernel(device, encoder, given.last ? forwardRecurrence.withLast : forwardRecurrence.statesOnly, {
        z: binding(z, sizes.sequence),
        recurrentKernel: binding(checked.recurrentKernel, sizes.recurrentKernel),
        initialState: optional(checked.initialState, sizes.state),
        h: binding(h, sizes.sequence),
        last: given.last ? binding(given.last, sizes.state) : { buffer: placeholderBuffer(device, 'read_write') },
      });
      return { h, z, last: given.last };
    },

    encodeBackward(encoder, inputs, outputs = {}) {
      const checked = checkForwardInputs(inputs, 'inputs');
      const h = checkStorageBuffer('inputs.h', inputs.h, sizes.sequence, `h ${sequence}`);
      const z = checkStorageBuffer('inputs.z', inputs.z, sizes.sequence, `z ${sequence}`);
      if ((inputs.dh == null) === (inputs.dhLast == null)) {
        throw new TypeError('inputs.dh / inputs.dhLast: expected exactly one, the gradient for every state or for the last state only');
      }
      const lastStepOnly = inputs.dh == null;
      const dh = lastStepOnly
        ? checkStorageBuffer('inputs.dhLast', inputs.dhLast, sizes.state, `dhLast [${c.batch}, ${c.units}] float32`)
        : checkStorageBuffer('inputs.dh', inputs.dh, sizes.sequence, `dh ${sequence}`);
      const out = (name: keyof SimpleRNNBackwardOutputs, bytes: number, what: string) =>
        outputs[name] === undefined || outputs[name] === null ? null : checkStorageBuffer(`outputs.${name}`, outputs[name], bytes, what);
      const given = {
        dx: out('dx', sizes.x, `dx ${shape}`),
        dKernel: out('dKernel', sizes.kernel, `dKernel [${c.features}, ${c.units}]`),
        dRecurrentKernel: out('dRecurrentKernel', sizes.recurrentKernel, `dRecurrentKernel [${c.units}, ${c.units}]`),
        dBias: c.useBias ? out('dBias', sizes.bias, `dBias [${c.units}]`) : null,
        dInitialState: out('dInitialState', sizes.state, `dInitialState [${c.batch}, ${c.units}]`),
        dz: out('dz', sizes.sequence, `dz ${sequence}`),
      };
      const writable = Object.fromEntries(Object.entries(given).map(([k, v]) => [`outputs.${k}`, v]));
      checkDistinct(writable, {
        ...writable,
        'inputs.x': checked.x,
        'inputs.kernel': checked.kernel,
        'inputs.recurrentKernel': checked.recurrentKernel,
        'inputs.initialState': checked.initialState,
        'inputs.h': h,
        'inputs.z': z,
        [lastStepOnly ? 'inputs.dhLast' : 'inputs.dh']: dh,
      });
      const result: SimpleRNNBackwardOutputs = {
        dx: given.dx ?? allocate('backward/dx', sizes.x),
        dKernel: given.dKernel ?? allocate('backward/dKernel', sizes.kernel),
        dRecurrentKernel: given.dRecurrentKernel ?? allocate('backward/dRecurrentKernel', sizes.recurrentKernel),
        dBias: c.useBias ? (given.dBias ?? allocate('backward/dBias', sizes.bias)) : null,
        dInitialState: given.dInitialState ?? allocate('backward/dInitialState', sizes.state),
        dz: given.dz ?? allocate('backward/dz', sizes.sequence),
      };
      encodeKernel(device, encoder, lastStepOnly ? backwardRecurrence.lastStepOnly : backwardRecurrence.everyStep, {
        dh: binding(dh, lastStepOnly ? sizes.state : sizes.sequence),
        z: binding(z, sizes.sequence),
        h: binding(h, sizes.sequence),
        recurrentKernel: binding(checked.recurrentKernel, sizes.recurrentKernel),
        dz: binding(result.dz, sizes.sequence),
        dInitialState: binding(result.dInitialState, sizes.state),
      });
      encodeKernel(device, encoder, weightGrads, {
        x: binding(checked.x, sizes.x),
        h: binding(h, sizes.sequence),
        initialState: optional(checked.initialState, sizes.state),
        dz: binding(result.dz, sizes.sequence),
        dKernel: binding(result.dKernel, sizes.kernel),
        dRecurrentKernel: binding(result.dRecurrentKernel, sizes.recurrentKernel),
        dBias: result.dBias ? binding(result.dBias, sizes.bias) : { buffer: placeholderBuffer(device, 'read_write') },
      });
      encodeKernel(device, encoder, inputGrad, {
        dz: binding(result.dz, sizes.sequence),
        kernel: binding(checked.kernel, sizes.kernel),
        dx: binding(result.dx, sizes.x),
      });
      return result;
    },
  };
}
