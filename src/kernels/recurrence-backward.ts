/**
 * Backward recurrence (BPTT) of any cell (see recurrence-backward.wgsl): stages run the steps from the
 * last to the first, each of the cell's phases in turn, then one stage for the initial state. A step
 * turns the gradient reaching h_s (dh_s plus what step s+1 sends back through recurrentKernel) into
 * the gradients of its gates' pre-activations, dGates.
 * Bindings: dh [B,T,U] (or [B,U]: the last step's only), gates [B,T,G·U], recurrentKernel [U,G·U]
 * → dGates [B,T,Gd·U], dInitialState [B,U]; then the cell's own.
 * Dispatch: persistent: ceil(T / maxStepsPerDispatch) dispatches of ceil(B/4) workgroups;
 * stepwise: T·phases + 1 dispatches (recurrence-schedule).
 * Limits: as recurrence-forward; 5 storage buffers plus the cell's.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import code from '../wgsl/recurrence-backward.wgsl?raw';
import tilesCode from '../wgsl/recurrence-tiles.wgsl?raw';
import tileCode from '../wgsl/tile-math.wgsl?raw';
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import { composeShader, defineKernel, type KernelRun, type KernelSpec } from '../gpu/kernel.js';
import { activationId, type Activation } from './activation.js';
import type { Cell, CellShape } from './cell.js';
import { activationConstants } from './recurrence-forward.js';
import { perCellAndProducts, productsModule, productsName } from './recurrence-products.js';
import { recurrenceSchedule } from './recurrence-schedule.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

const PARAMS = [
  'batch',
  'timesteps',
  'units',
  'stageBegin',
  'stageEnd',
  'lastStepOnly',
  'hasInitialState',
  'hasCellInput',
  'hasCellGradient',
  'activation',
  'recurrentActivation',
] as const;

const DRIVER_BINDINGS = [
  { name: 'dh', access: 'read' },
  { name: 'gates', access: 'read' },
  { name: 'recurrentKernel', access: 'read' },
  { name: 'dGates', access: 'read_write' },
  { name: 'dInitialState', access: 'read_write' },
] as const;

export type RecurrenceBackwardRun = KernelRun<(typeof PARAMS)[number], string>;

/** The backward kernel of `cell`: the driver composed with the cell's module and the products module. */
export const recurrenceBackwardSpec = perCellAndProducts(
  (cell, products, units): KernelSpec<(typeof PARAMS)[number], string> =>
    defineKernel({
      name: productsName(`recurrence-backward/${cell.name}`, products, units),
      code: composeShader(
        productsModule(products, { cell, direction: 'backward', units }),
        activationCode,
        tileCode,
        orderCode,
        tilesCode,
        code,
        cell.backward.code,
      ),
      params: PARAMS,
      bindings: [...DRIVER_BINDINGS, ...cell.backward.bindings],
    }),
);

export interface RecurrenceBackwardOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  /** dh holds the last step's gradient only, [B, U]. */
  readonly lastStepOnly: boolean;
  readonly useInitialState: boolean;
  /** The cell's own input is bound (LSTM: the initial cell state). */
  readonly hasCellInput: boolean;
  /** A gradient for the cell's carried state at the last step was copied in (LSTM: dcLast). */
  readonly hasCellGradient: boolean;
}

export function describeRecurrenceBackward(
  cell: Cell,
  shape: CellShape,
  options: RecurrenceBackwardOptions,
  strategy: Strategy,
  traits: DeviceTraits,
): RecurrenceBackwardRun {
  const stages = shape.timesteps * cell.phases + 1;
  const schedule = recurrenceSchedule(shape, stages, cell.phases, strategy, traits);
  return {
    spec: recurrenceBackwardSpec(cell, strategy.products, shape.units),
    constants: {
      ...schedule.constants,
      ...cell.constants,
      ...activationConstants(options, strategy),
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
        hasInitialState: Number(options.useInitialState),
        hasCellInput: Number(options.hasCellInput),
        hasCellGradient: Number(options.hasCellGradient),
        activation: activationId(options.activation),
        recurrentActivation: activationId(options.recurrentActivation),
      },
    })),
  };
}
