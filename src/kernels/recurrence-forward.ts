/**
 * Forward recurrence of any cell, steps in consumption order (see recurrence-forward.wgsl): for each
 * step and each of the cell's phases, every tile of 4 rows × 4 units runs the cell's step math, which
 * adds h_{s-1} · recurrentKernel to the input projection waiting in `gates`, stores the gates'
 * pre-activations there, h_s in h, and what else it keeps in saved. Persistent: ceil(T /
 * maxStepsPerDispatch) dispatches of ceil(B/4) workgroups; stepwise: T·phases (recurrence-schedule.ts).
 * Limits: GATES·U²·4 bytes of workgroup memory for staged weights; 6 storage buffers plus the cell's.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import code from '../wgsl/recurrence-forward.wgsl?raw';
import tilesCode from '../wgsl/recurrence-tiles.wgsl?raw';
import tileCode from '../wgsl/tile-math.wgsl?raw';
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import { defineKernel, type KernelRun, type KernelSpec, type StorageBinding } from '../gpu/kernel.js';
import { activationId, RUNTIME_SELECTED_ACTIVATIONS, type Activation } from './activation.js';
import type { Cell, CellShape } from './cell.js';
import { perCellAndProducts, productsModule, productsName } from './recurrence-products.js';
import { recurrenceSchedule } from './recurrence-schedule.js';
import { dropoutConstants, SIDE_PARAMS, sideParams, type SideLayout } from './side-inputs.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

const PARAMS = {
  batch: 'u32',
  timesteps: 'u32',
  units: 'u32',
  stageBegin: 'u32',
  stageEnd: 'u32',
  goBackwards: 'u32',
  ...SIDE_PARAMS,
  hasLast: 'u32',
  hasLastSaved: 'u32',
  hasCellInput: 'u32',
  activation: 'u32',
  recurrentActivation: 'u32',
} as const;

type Param = keyof typeof PARAMS;

const DRIVER_BINDINGS: readonly StorageBinding[] = [
  {
    name: 'gates',
    access: 'read_write',
    holds: '[batch, timesteps, GATES·units]: x·kernel + bias in, the pre-activations out',
    tiles: true,
  },
  { name: 'recurrentKernel', access: 'read', type: 'RecurrentKernel', holds: '[units, GATES·units]' },
  {
    name: 'side',
    access: 'read',
    holds: 'initial states, mask and recurrent dropout mask at params offsets (side-inputs.ts)',
    tiles: true,
  },
  { name: 'h', access: 'read_write', holds: '[batch, timesteps, units]', tiles: true },
  { name: 'saved', access: 'read_write', holds: "[batch, timesteps, units]: the cell's per-step state", tiles: true },
  {
    name: 'lastStates',
    access: 'read_write',
    holds: '[2, batch, units]: h, then saved, at the last step (written when params.hasLast, hasLastSaved)',
    tiles: true,
  },
];

export type RecurrenceForwardRun = KernelRun<Param, string>;

/** The forward kernel of `cell`: the driver composed with the cell's module and the products module. */
export const recurrenceForwardSpec = perCellAndProducts((cell, products, units): KernelSpec<Param, string> =>
  defineKernel({
    name: productsName(`recurrence-forward/${cell.name}`, products, units),
    modules: [
      productsModule(products, { cell, direction: 'forward', units }),
      activationCode,
      tileCode,
      orderCode,
      tilesCode,
      code,
      cell.forward.code,
    ],
    params: PARAMS,
    bindings: [...DRIVER_BINDINGS, ...cell.forward.bindings],
  }),
);

export interface RecurrenceForwardOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  /** Time runs backwards: only the mask reads it (gates already hold the steps in consumption order). */
  readonly goBackwards: boolean;
  /** Where the initial states, the mask and the recurrent dropout mask are in `side`. */
  readonly side: SideLayout;
  /** The cell's own input is bound: GRU's recurrent bias row. */
  readonly hasCellInput: boolean;
  readonly writeLast: boolean;
  readonly writeLastSaved: boolean;
}

/** The activations as override constants, or RUNTIME_SELECTED (read from params) for strategy.activations 'runtime'. */
export function activationConstants(
  options: { activation: Activation; recurrentActivation: Activation },
  strategy: Strategy,
): Record<string, number> {
  return strategy.activations === 'runtime'
    ? { ACTIVATION: RUNTIME_SELECTED_ACTIVATIONS }
    : { ACTIVATION: activationId(options.activation), RECURRENT_ACTIVATION: activationId(options.recurrentActivation) };
}

export function describeRecurrenceForward(
  cell: Cell,
  shape: CellShape,
  options: RecurrenceForwardOptions,
  strategy: Strategy,
  traits: DeviceTraits,
): RecurrenceForwardRun {
  const schedule = recurrenceSchedule(
    shape,
    shape.timesteps * cell.phases,
    { cell, direction: 'forward' },
    strategy,
    traits,
  );
  return {
    spec: recurrenceForwardSpec(cell, strategy.products, shape.units),
    constants: {
      ...schedule.constants,
      ...cell.constants,
      ...activationConstants(options, strategy),
      RECURRENT_DROPOUT: dropoutConstants(options.side).RECURRENT_DROPOUT,
      WORKGROUP_ORDER: workgroupOrderId(strategy),
    },
    dispatches: schedule.ranges.map((range) => ({
      workgroups: range.workgroups,
      params: {
        batch: shape.batch,
        timesteps: shape.timesteps,
        units: shape.units,
        stageBegin: range.begin,
        stageEnd: range.end,
        goBackwards: Number(options.goBackwards),
        ...sideParams(options.side),
        hasLast: Number(options.writeLast),
        hasLastSaved: Number(options.writeLastSaved),
        hasCellInput: Number(options.hasCellInput),
        activation: activationId(options.activation),
        recurrentActivation: activationId(options.recurrentActivation),
      },
    })),
  };
}
