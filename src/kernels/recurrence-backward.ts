/**
 * Backward recurrence (BPTT) of any cell (see recurrence-backward.wgsl): stages run the steps from the
 * last to the first, each of the cell's phases in turn, then one stage for the initial state. A step
 * turns the gradient reaching h_s (dh_s plus what step s+1 sends back through recurrentKernel) into
 * the gradients of its gates' pre-activations, dGates. Persistent: ceil(T / maxStepsPerDispatch)
 * dispatches of ceil(B/4) workgroups; stepwise: T·phases + 1 (recurrence-schedule.ts).
 * Limits: as recurrence-forward; 8 storage buffers.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import code from '../wgsl/recurrence-backward.wgsl?raw';
import tilesCode from '../wgsl/recurrence-tiles.wgsl?raw';
import tileCode from '../wgsl/tile-math.wgsl?raw';
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import { defineKernel, type KernelRun, type KernelSpec, type StorageBinding } from '../gpu/kernel.js';
import { activationId, type Activation } from './activation.js';
import type { Cell, CellShape } from './cell.js';
import { activationConstants } from './recurrence-forward.js';
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
  lastStepOnly: 'u32',
  goBackwards: 'u32',
  ...SIDE_PARAMS,
  hasSavedGradient: 'u32',
  activation: 'u32',
  recurrentActivation: 'u32',
} as const;

type Param = keyof typeof PARAMS;

const DRIVER_BINDINGS: readonly StorageBinding[] = [
  { name: 'dh', access: 'read', holds: '[batch, timesteps, units], or [batch, units] if lastStepOnly', tiles: true },
  { name: 'gates', access: 'read', holds: '[batch, timesteps, GATES·units]: pre-activations', tiles: true },
  { name: 'recurrentKernel', access: 'read', type: 'RecurrentKernel', holds: '[units, GATES·units]' },
  { name: 'dGates', access: 'read_write', holds: '[batch, timesteps, GRADIENT_BLOCKS·units]', tiles: true },
  {
    name: 'dStates',
    access: 'read_write',
    holds: "[2, batch, units]: what a step sends the states before it, in the end the initial states' gradients",
    tiles: true,
  },
  {
    name: 'side',
    access: 'read',
    holds: 'initial states, mask and recurrent dropout mask at params offsets (side-inputs.ts)',
    tiles: true,
  },
  { name: 'h', access: 'read', holds: '[batch, timesteps, units] from the forward pass', tiles: true },
  { name: 'saved', access: 'read', holds: "[batch, timesteps, units]: the cell's per-step state", tiles: true },
];

export type RecurrenceBackwardRun = KernelRun<Param, string>;

/** The backward kernel of `cell`: the driver composed with the cell's module and the products module. */
export const recurrenceBackwardSpec = perCellAndProducts((cell, products, units): KernelSpec<Param, string> =>
  defineKernel({
    name: productsName(`recurrence-backward/${cell.name}`, products, units),
    modules: [
      productsModule(products, { cell, direction: 'backward', units }),
      activationCode,
      tileCode,
      orderCode,
      tilesCode,
      code,
      cell.backward.code,
    ],
    params: PARAMS,
    bindings: [...DRIVER_BINDINGS, ...cell.backward.bindings],
  }),
);

export interface RecurrenceBackwardOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  /** dh holds the last step's gradient only, [B, U]. */
  readonly lastStepOnly: boolean;
  /** Time runs backwards: only the mask reads it. */
  readonly goBackwards: boolean;
  /** Where the initial states, the mask and the recurrent dropout mask are in `side`. */
  readonly side: SideLayout;
  /** A gradient for the saved state at the last step was copied into dStates (LSTM: dcLast). */
  readonly hasSavedGradient: boolean;
}

export function describeRecurrenceBackward(
  cell: Cell,
  shape: CellShape,
  options: RecurrenceBackwardOptions,
  strategy: Strategy,
  traits: DeviceTraits,
): RecurrenceBackwardRun {
  const stages = shape.timesteps * cell.phases + 1;
  const schedule = recurrenceSchedule(shape, stages, { cell, direction: 'backward' }, strategy, traits);
  return {
    spec: recurrenceBackwardSpec(cell, strategy.products, shape.units),
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
        lastStepOnly: Number(options.lastStepOnly),
        goBackwards: Number(options.goBackwards),
        ...sideParams(options.side),
        hasSavedGradient: Number(options.hasSavedGradient),
        activation: activationId(options.activation),
        recurrentActivation: activationId(options.recurrentActivation),
      },
    })),
  };
}
