/**
 * Runs a fused layer (SimpleRNN, LSTM or GRU) forward + backward on the test device, and its float64
 * reference on the same data: the harness of the layer tests.
 */
import { createFloat32Buffer } from '../../src/gpu/buffers.js';
import type { CellDefinition } from '../../src/kernels/cell.js';
import { CELLS } from '../../src/kernels/cells.js';
import { resolveLayerConfig, type GRUConfig, type LSTMConfig, type SimpleRNNConfig } from '../../src/kernels/config.js';
import { dropoutMaskRef } from '../../src/kernels/dropout-mask.ref.js';
import { createRecurrentLayer, type Buffers, type RecurrentLayer } from '../../src/kernels/recurrent-layer.js';
import { expandLastStep } from '../../src/kernels/simple-rnn.ref.js';
import { random, relativeError, uniform } from './data.js';
import { readBuffers, withErrorScopes } from './webgpu.js';

export type LayerKind = 'SimpleRNN' | 'LSTM' | 'GRU';
export type AnyConfig = SimpleRNNConfig & LSTMConfig & GRUConfig;
type Arrays = Record<string, ArrayLike<number>>;
type AnyLayer = RecurrentLayer<
  unknown,
  Buffers,
  Record<string, GPUBuffer | null>,
  Buffers,
  Record<string, GPUBuffer | null>
>;

interface Kind {
  readonly definition: CellDefinition;
  readonly gates: number;
  readonly create: (device: GPUDevice, config: AnyConfig) => AnyLayer;
  /** The reference's forward outputs, by their public names. */
  readonly forward: (data: Arrays, config: AnyConfig) => Arrays;
  /** The reference's gradients, by their public names, from the forward outputs in `data`. */
  readonly backward: (data: Arrays, config: AnyConfig) => Arrays;
}

/** Every cell of the registry, by its class name. */
export const KINDS = Object.fromEntries(
  CELLS.map((definition): [string, Kind] => [
    definition.className,
    {
      definition,
      gates: definition.gates,
      create: (device, config) => createRecurrentLayer(device, definition, config) as unknown as AnyLayer,
      forward: (data, config) => definition.reference.forward(data, resolveLayerConfig(definition, config)),
      backward: (data, config) => definition.reference.backward(data, resolveLayerConfig(definition, config)),
    },
  ]),
) as Record<LayerKind, Kind>;

export interface LayerData {
  readonly x: Float32Array;
  readonly kernel: Float32Array;
  readonly recurrentKernel: Float32Array;
  readonly bias: Float32Array;
  readonly initialState: Float32Array;
  readonly initialCellState: Float32Array;
  readonly dh: Float32Array;
  readonly dhLast: Float32Array;
  readonly dcLast: Float32Array;
  /** config.masking's: 'steps' [B, T] 0/1, or 'lengths' [B] (as numbers; uploaded as int32). */
  readonly mask: Float32Array;
  /** config.inputDropout's [B, F] and config.recurrentDropout's [B, U]: rate 0.4, values 0 and 1/0.6. */
  readonly dropoutMask: Float32Array;
  readonly recurrentDropoutMask: Float32Array;
}

/**
 * A mask that drops steps every way a row can: rows in turn keep all, drop the first third, drop the last
 * third, drop every other step, drop all; lengths run 0..T over the rows.
 */
export function maskData(c: AnyConfig): Float32Array {
  const { batch: B, timesteps: T } = c;
  if (c.masking === 'lengths') return Float32Array.from({ length: B }, (_, b) => (b * 3) % (T + 1));
  const third = Math.max(1, Math.floor(T / 3));
  const keeps = [
    (): boolean => true,
    (s: number) => s >= third,
    (s: number) => s < T - third,
    (s: number) => s % 2 === 0,
    () => false,
  ];
  return Float32Array.from({ length: B * T }, (_, i) => Number(keeps[Math.floor(i / T) % keeps.length]!(i % T)));
}

export function layerData(kind: LayerKind, c: AnyConfig, seed: number): LayerData {
  const rng = random(seed);
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const G = KINDS[kind].gates;
  return {
    x: uniform(B * T * F, 1, rng),
    kernel: uniform(F * G * U, 1 / Math.sqrt(F), rng),
    recurrentKernel: uniform(U * G * U, 1 / Math.sqrt(U), rng),
    bias: uniform((c.resetAfter ? 2 : 1) * G * U, 0.5, rng),
    initialState: uniform(B * U, 1, rng),
    initialCellState: uniform(B * U, 1, rng),
    dh: uniform(B * T * U, 1, rng),
    dhLast: uniform(B * U, 1, rng),
    dcLast: uniform(B * U, 1, rng),
    mask: maskData(c),
    dropoutMask: dropoutMaskRef(B, F, 0.4, seed),
    recurrentDropoutMask: dropoutMaskRef(B, U, 0.4, seed + 1),
  };
}

export interface RunOptions {
  /** Pass the last step's gradient only (dhLast) instead of every step's. */
  readonly lastStepOnly?: boolean;
  /** LSTM: pass dcLast. */
  readonly dcLast?: boolean;
  /** Also request the last states as outputs. */
  readonly lastOutputs?: boolean;
}

/** Every output of forward and backward, read back, by public name (null where the layer returns null). */
export async function runLayer(
  device: GPUDevice,
  kind: LayerKind,
  config: AnyConfig,
  data: LayerData,
  options: RunOptions = {},
): Promise<Record<string, Float32Array | null>> {
  return withErrorScopes(device, async () => {
    const layer = KINDS[kind].create(device, config);
    const resolved = layer.config as AnyConfig;
    const upload = (name: string, array: Float32Array) => createFloat32Buffer(device, array, name);
    const inputs: Buffers = {
      x: upload('x', data.x),
      kernel: upload('kernel', data.kernel),
      recurrentKernel: upload('recurrentKernel', data.recurrentKernel),
      bias: resolved.useBias ? upload('bias', data.bias) : null,
      initialState: resolved.useInitialState ? upload('initialState', data.initialState) : null,
      // Lengths are int32, masks 0/1 floats: the kernels read either as 32-bit words.
      mask: config.masking
        ? upload('mask', config.masking === 'lengths' ? new Float32Array(Int32Array.from(data.mask).buffer) : data.mask)
        : null,
      dropoutMask: config.inputDropout ? upload('dropoutMask', data.dropoutMask) : null,
      recurrentDropoutMask: config.recurrentDropout ? upload('recurrentDropoutMask', data.recurrentDropoutMask) : null,
      ...(KINDS[kind].definition.states === 2
        ? { initialCellState: resolved.useInitialCellState ? upload('initialCellState', data.initialCellState) : null }
        : {}),
    };
    const { batch: B, units: U } = config;
    const state = () =>
      device.createBuffer({
        size: B * U * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
    const lastOutputs = options.lastOutputs
      ? { last: state(), ...(KINDS[kind].definition.states === 2 ? { lastCellState: state() } : {}) }
      : {};
    const gradients = options.lastStepOnly ? { dhLast: upload('dhLast', data.dhLast) } : { dh: upload('dh', data.dh) };
    const cellGradient = options.dcLast ? { dcLast: upload('dcLast', data.dcLast) } : {};
    const encoder = device.createCommandEncoder();
    const forward = layer.encodeForward(encoder, inputs, lastOutputs);
    const backward = layer.encodeBackward(encoder, { ...inputs, ...forward, ...gradients, ...cellGradient });
    device.queue.submit([encoder.finish()]);
    const outputs = Object.entries({ ...forward, ...backward });
    const present = outputs.filter((entry): entry is [string, GPUBuffer] => entry[1] !== null);
    const values = await readBuffers(
      device,
      present.map(([, buffer]) => buffer),
    );
    const result: Record<string, Float32Array | null> = Object.fromEntries(outputs.map(([name]) => [name, null]));
    present.forEach(([name], i) => (result[name] = values[i]!));
    const all = [
      ...Object.values(inputs),
      ...Object.values(gradients),
      ...Object.values(cellGradient),
      ...Object.values(forward),
      ...Object.values(backward),
    ];
    for (const buffer of new Set(all)) buffer?.destroy();
    return result;
  });
}

/**
 * The reference's forward outputs from `data`, and its gradients from the GPU's own forward outputs
 * (so kinks, relu at 0, are judged on the same inputs), by public name.
 */
export function referenceOf(
  kind: LayerKind,
  config: AnyConfig,
  data: LayerData,
  gpu: Record<string, Float32Array | null>,
  options: RunOptions = {},
) {
  const { batch: B, timesteps: T, units: U } = config;
  const { dh: everyStep, dhLast, dcLast, ...inputs } = data;
  const forward = KINDS[kind].forward(inputs, config);
  const saved = Object.fromEntries(Object.keys(forward).map((name) => [name, gpu[name]!]));
  const dh = options.lastStepOnly ? expandLastStep(dhLast, B, T, U) : everyStep;
  const backward = KINDS[kind].backward({ ...inputs, ...saved, dh, ...(options.dcLast ? { dcLast } : {}) }, config);
  return { forward, backward };
}

// Tolerances, as errors relative to each output's largest magnitude (see relativeError): forward in
// float32 against the float64 reference, and backward, whose sums run over every timestep and row.
export const FORWARD_TOLERANCE = 1e-5;
export const BACKWARD_TOLERANCE = 1e-4;

/** Runs a layer and its reference; returns each output's relative error, and the GPU's outputs. */
export async function compareWithReference(
  device: GPUDevice,
  kind: LayerKind,
  config: AnyConfig,
  seed: number,
  options: RunOptions = {},
  data = layerData(kind, config, seed),
) {
  const gpu = await runLayer(device, kind, config, data, options);
  const ref = referenceOf(kind, config, data, gpu, options);
  const errors: Record<string, number> = {};
  for (const [name, expected] of Object.entries(ref.forward)) errors[name] = relativeError(gpu[name]!, expected);
  for (const [name, expected] of Object.entries(ref.backward)) {
    // dBias is null without a bias; the reference computes one regardless.
    if (name === 'dBias' && gpu.dBias === null) continue;
    errors[name] = relativeError(gpu[name]!, expected);
  }
  return { errors, gpu, forwardNames: Object.keys(ref.forward) };
}

/** The outputs whose error exceeds the tolerance: forward outputs at 1e-5, gradients at 1e-4. */
export function outOfTolerance(result: { errors: Record<string, number>; forwardNames: string[] }): string[] {
  return Object.entries(result.errors)
    .filter(([name, error]) => !(error < (result.forwardNames.includes(name) ? FORWARD_TOLERANCE : BACKWARD_TOLERANCE)))
    .map(([name, error]) => `${name}: ${error}`);
}
