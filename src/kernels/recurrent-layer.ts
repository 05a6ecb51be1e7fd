/**
 * A fused recurrent layer on any GPUDevice, forward and backward, for any cell (cell.ts): the object
 * behind createSimpleRNN, createLSTM and createGRU, over the layer's plan (layer-plan.ts).
 *
 * Buffers are the caller's: the layer validates its configuration against the device's limits once;
 * each encode call checks every buffer before it allocates anything or encodes into the caller's
 * GPUCommandEncoder, then records its kernels in one compute pass. Outputs not passed in are
 * allocated (STORAGE | COPY_SRC | COPY_DST) and returned; the caller owns and destroys them.
 */
import { describeValue } from '../describe-value.js';
import { checkStorageBuffer, storageUsage } from '../gpu/buffers.js';
import { bindKernel, label, preparePipelines, type Binding, type BoundKernel } from '../gpu/encode.js';
import { countDispatches, type KernelRun } from '../gpu/kernel.js';
import type { BufferName, CellDefinition } from './cell.js';
import { cellConfig, resolveLayerConfig, type ResolvedConfig } from './config.js';
import { bindWeightGradients, planLayer } from './layer-plan.js';
import type { SidePiece } from './side-inputs.js';
import { chooseStrategy, deviceTraits, type Strategy } from './strategy.js';
import { checkDevice } from '../gpu/check-device.js';

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

function checkObject(value: unknown, argument: string): Buffers {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${argument}: expected an object of GPUBuffers; got ${describeValue(value)}`);
  return value as Buffers;
}

const LAST_STATES = "an LSTM's last states are copied out of the layer's own buffer";
const INITIAL_GRADIENTS = "an LSTM's initial-state gradients are copied out of the layer's own buffer";

/** Throws unless `buffer` has the usage a copy needs, naming the argument and why. */
function needsUsage(buffer: GPUBuffer, argument: string, usage: 'COPY_SRC' | 'COPY_DST', why: string): void {
  if ((buffer.usage & GPUBufferUsage[usage]) === 0)
    throw new TypeError(`${argument}: the buffer needs GPUBufferUsage.${usage} (${why})`);
}

/** Records bound kernels in one compute pass. */
function encodePass(encoder: GPUCommandEncoder, name: string, kernels: readonly BoundKernel[]): void {
  const pass = encoder.beginComputePass({ label: label(name, 'pass') });
  for (const kernel of kernels) kernel.issue(pass);
  pass.end();
}

/** The layer of `definition`'s cell for a config (checked and resolved here). */
export function createRecurrentLayer<C extends ResolvedConfig, FI, FO, BI, BO>(
  device: GPUDevice,
  definition: CellDefinition,
  config: unknown,
): RecurrentLayer<C, FI, FO, BI, BO> {
  checkDevice('device', device);
  const kind = definition.className;
  const c = resolveLayerConfig(definition, config);
  const cell = definition.cell(c);
  const traits = deviceTraits(device);
  const strategy = chooseStrategy(
    traits,
    { ...c, gates: cell.gates },
    (config as { strategy?: Partial<Strategy> }).strategy,
  );
  const plan = planLayer(kind, cell, c, strategy, traits);
  const { layout } = plan;
  const cellState = definition.states === 2;
  const forwardRuns = [plan.projection, plan.forward({ last: false, lastSaved: false })];
  const splits = plan.weightGradients.splits;
  const backwardRuns = [
    plan.backward({ lastStepOnly: false, savedGradient: false }),
    plan.weightGradients.run,
    ...(splits ? [splits.run] : []),
    plan.inputGradient,
  ];
  // Scratch the layer owns, made on first use: the weight gradients' partials, the side inputs when
  // several come (initial states, mask, dropout masks), an LSTM's states [2, B, U] (lastStates, dStates).
  const scratch = new Map<string, GPUBuffer>();
  const owned = (name: string, bytes: number, usage: number): GPUBuffer => {
    let buffer = scratch.get(name);
    if (!buffer) scratch.set(name, (buffer = device.createBuffer({ label: label(kind, name), size: bytes, usage })));
    return buffer;
  };
  const stateBytes = c.batch * c.units * 4;

  const publicName = (name: BufferName): string => definition.names[name] ?? name;
  const what = (name: BufferName): string => `${publicName(name)} ${layout[name].dims} float32`;
  const allocate = (name: BufferName): GPUBuffer =>
    device.createBuffer({ label: label(kind, publicName(name)), size: layout[name].bytes, usage: storageUsage() });
  /** Each buffer bound with its layout's size (a caller's buffer may be larger). */
  const sized = (
    buffers: Partial<Record<BufferName, GPUBuffer | null>>,
    sizes: Partial<Record<BufferName, number>> = {},
  ) =>
    Object.fromEntries(
      Object.entries(buffers).map(([name, buffer]) => [
        name,
        buffer ? { buffer, size: sizes[name as BufferName] ?? layout[name as BufferName].bytes } : null,
      ]),
    ) as Record<string, Binding | null>;
  let destroyed = false;
  const checkAlive = (method: string) => {
    if (destroyed) throw new Error(`${kind}.${method}: this ${kind} was destroyed; create a new one`);
  };

  const required = (buffers: Buffers, argument: string, name: BufferName) =>
    checkStorageBuffer(`${argument}.${publicName(name)}`, buffers[publicName(name)], layout[name].bytes, what(name));
  /** A buffer the config says is given (flag true) or absent. */
  function optional(buffers: Buffers, argument: string, name: BufferName, used: boolean, flag: string) {
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
    const weights = {
      x: required(buffers, 'inputs', 'x'),
      kernel: required(buffers, 'inputs', 'kernel'),
      recurrentKernel: required(buffers, 'inputs', 'recurrentKernel'),
      mask: optional(buffers, 'inputs', 'mask', c.masking !== null, 'masking'),
      dropoutMask: optional(buffers, 'inputs', 'dropoutMask', c.inputDropout, 'inputDropout'),
      recurrentDropoutMask: optional(buffers, 'inputs', 'recurrentDropoutMask', c.recurrentDropout, 'recurrentDropout'),
      initialState: optional(buffers, 'inputs', 'initialState', c.useInitialState, 'useInitialState'),
      ...(cellState
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
    const pieces = sidePieces(weights);
    if (pieces.length > 1) {
      for (const { name, buffer } of pieces) {
        if ((buffer.usage & GPUBufferUsage.COPY_SRC) === 0)
          throw new TypeError(
            `inputs.${publicName(name)}: the buffer needs GPUBufferUsage.COPY_SRC when more than one of the ` +
              'initial states, the mask and the dropout masks is given (they are copied into one buffer)',
          );
      }
    }
    return weights;
  }

  /** The side inputs given, each with its place in `side`. */
  function sidePieces(weights: Partial<Record<BufferName, GPUBuffer | null>>) {
    const places: [BufferName, SidePiece | null][] = [
      ['initialState', plan.side.initialState],
      ['initialCellState', plan.side.initialSaved],
      ['mask', plan.side.mask],
      ['dropoutMask', plan.side.inputDropout],
      ['recurrentDropoutMask', plan.side.recurrentDropout],
    ];
    return places.flatMap(([name, piece]) => {
      const buffer = weights[name];
      return piece && buffer ? [{ name, buffer, piece }] : [];
    });
  }

  /** The kernels' `side` binding: the one input as it is, or the inputs copied into the layer's side buffer. */
  function sideBinding(encoder: GPUCommandEncoder, weights: Partial<Record<BufferName, GPUBuffer | null>>) {
    const pieces = sidePieces(weights);
    if (pieces.length === 0) return null;
    if (pieces.length === 1) return { buffer: pieces[0]!.buffer, size: pieces[0]!.piece.floats * 4 };
    const buffer = owned('side inputs', plan.side.bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    for (const { buffer: from, piece } of pieces)
      encoder.copyBufferToBuffer(from, 0, buffer, piece.at * 4, piece.floats * 4);
    return { buffer, size: plan.side.bytes };
  }

  return {
    device,
    config: cellConfig<C>(definition, c),
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
        ...(cellState ? (['lastSaved'] as const) : []),
      ];
      const out = givenOutputs(outputs, produced);
      // An LSTM's last c, and its last h beside it, come out of the layer's own [2, B, U].
      const copiedOut = out.lastSaved ? (['last', 'lastSaved'] as const).filter((name) => out[name]) : [];
      for (const name of copiedOut) needsUsage(out[name]!, `outputs.${publicName(name)}`, 'COPY_DST', LAST_STATES);
      const writable = prefixed('outputs', out);
      checkDistinct(writable, { ...writable, ...prefixed('inputs', read) });
      const written = {
        h: out.h ?? allocate('h'),
        gates: out.gates ?? allocate('gates'),
        ...(cell.saves ? { saved: out.saved ?? allocate('saved') } : {}),
        last: out.last ?? null,
        ...(cellState ? { lastSaved: out.lastSaved ?? null } : {}),
      };
      const lastStates =
        copiedOut.length > 0
          ? owned('last states', plan.stateFloats * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC)
          : written.last;
      const buffers: Record<string, Binding | null> = {
        ...sized({ ...read, ...written }),
        side: sideBinding(encoder, read),
        lastStates: lastStates && {
          buffer: lastStates,
          size: copiedOut.length > 0 ? plan.stateFloats * 4 : stateBytes,
        },
      };
      const recurrence = plan.forward({ last: written.last !== null, lastSaved: (written.lastSaved ?? null) !== null });
      encodePass(encoder, kind, [
        bindKernel(device, plan.projection, buffers),
        bindKernel(device, recurrence, buffers),
      ]);
      for (const name of copiedOut) {
        const at = name === 'last' ? 0 : stateBytes;
        encoder.copyBufferToBuffer(lastStates!, at, written[name]!, 0, stateBytes);
      }
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
      const dcLast = cellState && given.dcLast != null ? required(given, 'inputs', 'dcLast') : null;
      const out = givenOutputs(outputs, [
        'dx',
        'dKernel',
        'dRecurrentKernel',
        ...(c.useBias ? (['dBias'] as const) : []),
        'dInitialState',
        ...(cellState ? (['dInitialCellState'] as const) : []),
        'dGates',
      ]);
      if (dcLast) needsUsage(dcLast, 'inputs.dcLast', 'COPY_SRC', 'it is copied to start the carried cell gradient');
      if (cellState) {
        for (const name of ['dInitialState', 'dInitialCellState'] as const) {
          if (out[name]) needsUsage(out[name], `outputs.${publicName(name)}`, 'COPY_DST', INITIAL_GRADIENTS);
        }
      }
      const writable = prefixed('outputs', out);
      const dhName = lastStepOnly ? 'dhLast' : 'dh';
      checkDistinct(writable, { ...writable, ...prefixed('inputs', { ...read, [dhName]: dh, dcLast }) });
      const written = {
        dx: out.dx ?? allocate('dx'),
        dKernel: out.dKernel ?? allocate('dKernel'),
        dRecurrentKernel: out.dRecurrentKernel ?? allocate('dRecurrentKernel'),
        dBias: c.useBias ? (out.dBias ?? allocate('dBias')) : null,
        dInitialState: out.dInitialState ?? allocate('dInitialState'),
        ...(cellState ? { dInitialCellState: out.dInitialCellState ?? allocate('dInitialCellState') } : {}),
        dGates: out.dGates ?? allocate('dGates'),
      };
      const partials = splits ? owned('weight-gradient partials', splits.size, GPUBufferUsage.STORAGE) : null;
      // An LSTM's initial-state gradients come out of the layer's own [2, B, U]: dc is carried in its second block.
      const dStates = cellState
        ? owned(
            'state gradients',
            plan.stateFloats * 4,
            GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
          )
        : written.dInitialState;
      if (dcLast) encoder.copyBufferToBuffer(dcLast, 0, dStates, stateBytes, stateBytes);
      const buffers: Record<string, Binding | null> = {
        ...sized({ ...read, dh, ...written }, { dh: layout[dhName].bytes }),
        side: sideBinding(encoder, read),
        dStates: { buffer: dStates, size: cellState ? plan.stateFloats * 4 : stateBytes },
      };
      const recurrence = plan.backward({ lastStepOnly, savedGradient: dcLast !== null });
      const { dKernel, dRecurrentKernel, dBias } = buffers;
      encodePass(encoder, kind, [
        bindKernel(device, recurrence, buffers),
        ...bindWeightGradients(
          device,
          plan.weightGradients,
          buffers,
          { dKernel: dKernel!, dRecurrentKernel: dRecurrentKernel!, dBias: dBias ?? null },
          partials,
        ),
        bindKernel(device, plan.inputGradient, buffers),
      ]);
      if (cellState) {
        encoder.copyBufferToBuffer(dStates, 0, written.dInitialState, 0, stateBytes);
        encoder.copyBufferToBuffer(dStates, stateBytes, written.dInitialCellState!, 0, stateBytes);
      }
      return publicResult(written) as BO;
    },

    destroy() {
      destroyed = true;
      for (const buffer of scratch.values()) buffer.destroy();
    },
  };
}
