/**
 * Weight gradients, one GEMM over all batch·timesteps rows r = (b, s), per gate block g:
 *   [dKernel; dRecurrentKernel; dBias] = [x_t(s) ⊙ dm | operand | 1]ᵀ · dGates,  operand rm ⊙ h_{s-1}
 *   (initialState or 0 at s = 0) or, for a GRU's last gate without resetAfter, the saved r ⊙ rm ⊙ h_{s-1},
 *   with dm and rm the dropout masks of the input and the recurrent state (1 without);
 * the recurrent side of the last gate reads the last gradient block, and a second bias row sums it
 * (GRU resetAfter: the recurrent bias). See weight-gradients.wgsl.
 * Rows are split into runs of strategy.weightGradientRows: with more than one, the outputs take one
 * partial per split and weight-gradient-splits adds them up (a second dispatch).
 * Dispatch: one invocation per 4 output rows × 4 units of every gate (in dRecurrentKernel
 * 4·strategy.weightGradientTiles rows), per split, reducing over the split's rows; one dispatch.
 * The gate count, the saved operand and the tiles are override constants (one pipeline per cell).
 * Limits: 8 storage buffers; U/4 tiles on grid x and F/4 + U/(4·weightGradientTiles) + 1 tile rows
 * on grid y, per workgroup.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import rowsCode from '../wgsl/input-rows.wgsl?raw';
import outputsCode from '../wgsl/weight-gradients-outputs.wgsl?raw';
import code from '../wgsl/weight-gradients.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { tiles4, type RNNShape } from './shape.js';
import { dropoutConstants, inputDropoutAt, type SideLayout } from './side-inputs.js';
import { workgroupOrderId, type Strategy } from './strategy.js';

export const weightGradients = defineKernel({
  name: 'weight-gradients',
  modules: [orderCode, rowsCode, outputsCode, code],
  params: {
    batch: 'u32',
    timesteps: 'u32',
    features: 'u32',
    units: 'u32',
    gradientBlocks: 'u32',
    goBackwards: 'u32',
    biasRows: 'u32',
    rowsPerSplit: 'u32',
    hasInitialState: 'u32',
    initialStateAt: 'u32',
    inputDropoutAt: 'u32',
    recurrentDropoutAt: 'u32',
  },
  bindings: [
    { name: 'x', access: 'read', holds: '[batch, timesteps, features]', tiles: true },
    { name: 'h', access: 'read', holds: '[batch, timesteps, units]', tiles: true },
    {
      name: 'side',
      access: 'read',
      holds: 'the initial state and the dropout masks at params offsets (side-inputs.ts)',
      tiles: true,
    },
    { name: 'dGates', access: 'read', holds: '[batch, timesteps, gradientBlocks·units]' },
    { name: 'saved', access: 'read', holds: '[batch, timesteps, units] (read only with SAVED_OPERAND)', tiles: true },
    { name: 'dKernel', access: 'read_write', holds: '[splits, features, GATES·units]' },
    { name: 'dRecurrentKernel', access: 'read_write', holds: '[splits, units, GATES·units]' },
    { name: 'dBias', access: 'read_write', holds: '[splits, biasRows, GATES·units] (written only when biasRows > 0)' },
  ],
});

export type WeightGradientsRun = KernelRun<
  keyof typeof weightGradients.params,
  (typeof weightGradients.bindings)[number]['name']
>;

export interface WeightGradientsShape extends RNNShape {
  readonly gates: number;
  readonly gradientBlocks: number;
}

export interface WeightGradientsOptions {
  readonly goBackwards: boolean;
  /** 0 without a bias, 1 for bias [G·U], 2 for a GRU's [2, G·U] (input row, recurrent row). */
  readonly biasRows: number;
  /** Where the initial state and the dropout masks are in `side` (null: none of them). */
  readonly side: SideLayout | null;
  /** The last gate's recurrent operand is `saved` (GRU without resetAfter). */
  readonly savedOperand: boolean;
}

/** How many runs of at most `rowsPerSplit` rows the batch·timesteps rows make. */
export const weightGradientSplits = (shape: RNNShape, rowsPerSplit: number): number =>
  Math.ceil((shape.batch * shape.timesteps) / rowsPerSplit);

type GridStrategy = Pick<Strategy, 'gemmWorkgroup' | 'weightGradientRows' | 'weightGradientTiles'>;

/** The workgroup grid: the unit tiles on x, the stacked outputs' tile rows on y, splits on z. */
export function weightGradientGrid(
  shape: WeightGradientsShape,
  biasRows: number,
  strategy: GridStrategy,
): [number, number, number] {
  const [wx, wy] = strategy.gemmWorkgroup;
  const tileRows =
    tiles4(shape.features) + Math.ceil(tiles4(shape.units) / strategy.weightGradientTiles) + Number(biasRows > 0);
  return [
    Math.ceil(tiles4(shape.units) / wx),
    Math.ceil(tileRows / wy),
    weightGradientSplits(shape, strategy.weightGradientRows),
  ];
}

/** The params of one dispatch (this kernel's and the staged one's). */
export function weightGradientParams(
  shape: WeightGradientsShape,
  options: WeightGradientsOptions,
  strategy: Pick<Strategy, 'weightGradientRows'>,
): WeightGradientsRun['dispatches'][number]['params'] {
  return {
    batch: shape.batch,
    timesteps: shape.timesteps,
    features: shape.features,
    units: shape.units,
    gradientBlocks: shape.gradientBlocks,
    goBackwards: Number(options.goBackwards),
    biasRows: options.biasRows,
    rowsPerSplit: strategy.weightGradientRows,
    hasInitialState: Number((options.side?.initialState ?? null) !== null),
    initialStateAt: options.side?.initialState?.at ?? 0,
    inputDropoutAt: inputDropoutAt(options.side),
    recurrentDropoutAt: options.side?.recurrentDropout?.at ?? 0,
  };
}

export function describeWeightGradients(
  shape: WeightGradientsShape,
  options: WeightGradientsOptions,
  strategy: Strategy,
): WeightGradientsRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  return {
    spec: weightGradients,
    constants: {
      WORKGROUP_X: wx,
      WORKGROUP_Y: wy,
      GATES: shape.gates,
      SAVED_OPERAND: Number(options.savedOperand),
      RECURRENT_TILES: strategy.weightGradientTiles,
      ...dropoutConstants(options.side),
      WORKGROUP_ORDER: workgroupOrderId(strategy),
    },
    dispatches: [
      {
        workgroups: weightGradientGrid(shape, options.biasRows, strategy),
        params: weightGradientParams(shape, options, strategy),
      },
    ],
  };
}
