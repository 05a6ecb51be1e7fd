/**
 * The one composition of a recurrent layer out of the core's kernels, for any cell, used by the layer
 * API (recurrent-layer.ts, and through it the tfjs kernels) and by the standalone trainer:
 *
 *   forward:  input-projection (gates = x·kernel + bias, every step), the cell's recurrence-forward
 *   backward: the cell's recurrence-backward (dGates), weight-gradients (+ weight-gradient-splits past
 *             strategy.weightGradientRows rows), input-gradient
 *
 * A plan is pure description (kernel runs, buffer sizes), checked against the device's limits once;
 * bindKernel and bindWeightGradients bind its runs to buffers by their canonical names.
 */
import { checkBufferBytes, checkStorageBindings } from '../gpu/device-limits.js';
import { bindKernel, type Binding, type BoundKernel } from '../gpu/encode.js';
import type { KernelRun, KernelSpec } from '../gpu/kernel.js';
import { cellShape, type BufferName, type Cell, type CellShape, type LayerConfig } from './cell.js';
import { describeShape } from './config.js';
import { describeInputGradient } from './input-gradient.js';
import { describeInputGradientStaged } from './input-gradient-staged.js';
import { describeInputProjection } from './input-projection.js';
import { describeInputProjectionStaged } from './input-projection-staged.js';
import { describeRecurrenceBackward } from './recurrence-backward.js';
import { describeRecurrenceForward } from './recurrence-forward.js';
import { alignedRanges, foldedGrid, tiles4 } from './shape.js';
import type { DeviceTraits, Strategy } from './strategy.js';
import { describeWeightGradientSplits } from './weight-gradient-splits.js';
import { sideLayout, type SideLayout } from './side-inputs.js';
import { describeWeightGradients, weightGradientSplits } from './weight-gradients.js';
import { describeWeightGradientsStaged } from './weight-gradients-staged.js';

/** A buffer's size and shape, for checks and errors. */
export interface BufferLayout {
  readonly bytes: number;
  readonly dims: string;
}

/** The weight gradients' GEMM and, past strategy.weightGradientRows rows, its partials and their sum. */
export interface WeightGradients {
  readonly run: KernelRun;
  readonly splits: {
    readonly run: KernelRun;
    /** dKernel's, dRecurrentKernel's and dBias's partials: ranges of one scratch buffer. */
    readonly ranges: readonly { readonly offset: number; readonly size: number }[];
    readonly size: number;
  } | null;
}

export interface ForwardWrites {
  /** h at the last step into `lastStates`' first block. */
  readonly last: boolean;
  /** saved at the last step into `lastStates`' second block (LSTM's last c). */
  readonly lastSaved: boolean;
}

export interface BackwardReads {
  /** dh is the last step's gradient only, [batch, units]. */
  readonly lastStepOnly: boolean;
  /** A gradient of the saved state at the last step was copied into dStates' second block (dcLast). */
  readonly savedGradient: boolean;
}

export interface LayerPlan {
  readonly cell: Cell;
  readonly config: LayerConfig;
  readonly shape: CellShape;
  readonly strategy: Strategy;
  readonly layout: Readonly<Record<BufferName, BufferLayout>>;
  /** Where a call's initial states, mask and dropout masks go in its `side` buffer. */
  readonly side: SideLayout;
  /** Floats of the recurrences' `lastStates` and `dStates`: [states, batch, units]. */
  readonly stateFloats: number;
  readonly projection: KernelRun;
  forward(writes: ForwardWrites): KernelRun;
  backward(reads: BackwardReads): KernelRun;
  readonly weightGradients: WeightGradients;
  readonly inputGradient: KernelRun;
}

/** Whether the forward kernel's own input (Cell.cellInput) is bound for this config. */
const hasCellInput = (cell: Cell, c: LayerConfig): boolean => cell.cellInput === 'bias' && c.useBias;

/**
 * The kernel runs of a layer of `cell` in config `c`, checked against the device's limits; `kind`
 * names the layer in errors (e.g. 'LSTM', "the trainer's layer 0").
 */
export function planLayer(
  kind: string,
  cell: Cell,
  c: LayerConfig,
  strategy: Strategy,
  traits: DeviceTraits,
): LayerPlan {
  const shape = cellShape(c, cell);
  const layout = layoutOf(c, cell);
  const activations = { activation: c.activation, recurrentActivation: c.recurrentActivation };
  const biasRows = c.useBias ? cell.biasRows : 0;
  const side = sideLayout(
    { ...c, useInitialSaved: cell.savedIsState && c.useInitialCellState },
    traits.limits.minStorageBufferOffsetAlignment,
  );
  const forwardOptions = { ...activations, goBackwards: c.goBackwards, side, hasCellInput: hasCellInput(cell, c) };
  const backwardOptions = { ...activations, goBackwards: c.goBackwards, side };
  const forward = (writes: ForwardWrites) =>
    describeRecurrenceForward(
      cell,
      shape,
      { ...forwardOptions, writeLast: writes.last, writeLastSaved: writes.lastSaved },
      strategy,
      traits,
    );
  const backward = (reads: BackwardReads) =>
    describeRecurrenceBackward(
      cell,
      shape,
      { ...backwardOptions, lastStepOnly: reads.lastStepOnly, hasSavedGradient: reads.savedGradient },
      strategy,
      traits,
    );
  const gradientOptions = { goBackwards: c.goBackwards, biasRows, side, savedOperand: cell.savedOperand };
  const plan: LayerPlan = {
    cell,
    config: c,
    shape,
    strategy,
    layout,
    side,
    stateFloats: (cell.savedIsState ? 2 : 1) * c.batch * c.units,
    projection: (strategy.stagedGemms ? describeInputProjectionStaged : describeInputProjection)(
      shape,
      { ...c, side },
      strategy,
      traits,
    ),
    forward,
    backward,
    weightGradients: {
      run: (strategy.stagedGemms ? describeWeightGradientsStaged : describeWeightGradients)(
        shape,
        gradientOptions,
        strategy,
        traits,
      ),
      splits: planSplits(kind, c, cell, biasRows, strategy, traits),
    },
    // Staged where the tiles are enough (one lane a tile), sliced over lanes where they are few.
    inputGradient: (strategy.stagedGemms && strategy.inputGradientSlices === 1
      ? describeInputGradientStaged
      : describeInputGradient)(shape, { ...c, side }, strategy, traits),
  };
  const runs = [
    plan.projection,
    forward({ last: false, lastSaved: false }),
    backward({ lastStepOnly: false, savedGradient: false }),
  ];
  checkLimits(
    kind,
    plan,
    [...runs, plan.weightGradients.run, plan.inputGradient].map((run) => run.spec),
    traits,
  );
  return plan;
}

function layoutOf(c: LayerConfig, cell: Cell): Record<BufferName, BufferLayout> {
  const { batch: B, timesteps: T, features: F, units: U } = c;
  const G = cell.gates;
  const entry = (...dims: number[]): BufferLayout => ({
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
    mask: c.masking === 'lengths' ? entry(B) : entry(B, T),
    dropoutMask: entry(B, F),
    recurrentDropoutMask: state,
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

function checkLimits(kind: string, plan: LayerPlan, specs: readonly KernelSpec[], traits: DeviceTraits): void {
  const { config: c, cell, strategy, layout } = plan;
  const limits = traits.limits;
  const shape = describeShape(c);
  checkBufferBytes(`${kind} ${shape} needs`, Math.max(...Object.values(layout).map((l) => l.bytes)), limits);
  checkStorageBindings(specs, limits);
  const perDimension = limits.maxComputeWorkgroupsPerDimension;
  const [wx, wy] = strategy.gemmWorkgroup;
  const [gradientX, gradientY] = plan.weightGradients.run.dispatches[0]!.workgroups;
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
        `${kind} ${shape}: ${count} workgroups of ${what} exceed this device's ` +
          `maxComputeWorkgroupsPerDimension (${perDimension})`,
      );
    }
  }
  const invocations = limits.maxComputeInvocationsPerWorkgroup;
  const widest = Math.min(invocations, limits.maxComputeWorkgroupSizeX);
  if (strategy.recurrenceWorkgroupSize > widest) {
    throw new RangeError(
      `strategy.recurrenceWorkgroupSize ${strategy.recurrenceWorkgroupSize} is outside 1..${widest} ` +
        '(maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupSizeX)',
    );
  }
  if (wx * wy > invocations || wx > limits.maxComputeWorkgroupSizeX || wy > limits.maxComputeWorkgroupSizeY) {
    throw new RangeError(
      `strategy.gemmWorkgroup [${wx}, ${wy}] exceeds this device's maxComputeInvocationsPerWorkgroup ` +
        `(${invocations}) or maxComputeWorkgroupSizeX/Y`,
    );
  }
}

/**
 * Past strategy.weightGradientRows rows the weight gradients come in partials, one per split, and a
 * second dispatch adds them up: the partials of dKernel, dRecurrentKernel and dBias are three ranges
 * of one scratch buffer. Null when one split holds every row.
 */
function planSplits(
  kind: string,
  c: LayerConfig,
  cell: Cell,
  biasRows: number,
  strategy: Strategy,
  traits: DeviceTraits,
): WeightGradients['splits'] {
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
  const { maxStorageBufferBindingSize, maxBufferSize } = traits.limits;
  if (Math.max(...bytes) > maxStorageBufferBindingSize || size > maxBufferSize) {
    throw new RangeError(
      `${kind} ${describeShape(c)}: the weight gradients in ${splits} splits of strategy.weightGradientRows ` +
        `(${strategy.weightGradientRows}) rows need ${size} bytes of partials; this device's ` +
        `maxStorageBufferBindingSize is ${maxStorageBufferBindingSize} and maxBufferSize ${maxBufferSize}`,
    );
  }
  return { run: describeWeightGradientSplits(sizes, splits, strategy, traits), ranges, size };
}

/**
 * The weight-gradient GEMM into `outputs` (dKernel, dRecurrentKernel, dBias), through the partials
 * in `partials` and their sum when it splits.
 */
export function bindWeightGradients(
  device: GPUDevice,
  { run, splits }: WeightGradients,
  inputs: Readonly<Record<string, Binding | null | undefined>>,
  outputs: Readonly<Record<'dKernel' | 'dRecurrentKernel' | 'dBias', Binding | null>>,
  partials: GPUBuffer | null,
): BoundKernel[] {
  if (!splits) return [bindKernel(device, run, { ...inputs, ...outputs })];
  if (!partials) throw new Error('bindWeightGradients: the split weight gradients need a partials buffer');
  const [kernelSplits, recurrentSplits, biasSplits] = splits.ranges.map((range) => ({ buffer: partials, ...range }));
  return [
    bindKernel(device, run, {
      ...inputs,
      dKernel: kernelSplits,
      dRecurrentKernel: recurrentSplits,
      dBias: biasSplits,
    }),
    bindKernel(device, splits.run, { kernelSplits, recurrentSplits, biasSplits, ...outputs }),
  ];
}
