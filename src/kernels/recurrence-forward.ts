/**
 * Forward recurrence of any cell, steps in consumption order (see recurrence-forward.wgsl): for each
 * step and each of the cell's phases, every tile of 4 rows × 4 units runs the cell's step math, which
 * adds h_{s-1} · recurrentKernel to the input projection waiting in `gates`, stores the gates'
 * pre-activations there, h_s in h, and what else it keeps in saved.
 * Bindings: gates [B,T,G·U] (in/out), recurrentKernel [U,G·U], initialState [B,U], h [B,T,U],
 * last [B,U], saved [B,T,U], lastSaved [B,U], then the cell's own (placeholders where unused).
 * Dispatch: persistent: ceil(T / maxStepsPerDispatch) dispatches of ceil(B/4) workgroups;
 * stepwise: T·phases dispatches (recurrence-schedule).
 * Limits: GATES·U²·4 bytes of workgroup memory for the weights when staged; 7 storage buffers plus the cell's.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import code from '../wgsl/recurrence-forward.wgsl?raw';
import tilesCode from '../wgsl/recurrence-tiles.wgsl?raw';
import tileCode from '../wgsl/tile-math.wgsl?raw';
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import { composeShader, defineKernel, type KernelRun, type KernelSpec } from '../gpu/kernel.js';
import { activationId, RUNTIME_SELECTED_ACTIVATIONS, type Activation } from './activation.js';
import type { Cell, CellShape } from './cell.js';
import { perCellAndProducts, productsModule, productsName } from './recurrence-products.js';
import { recurrenceSchedule } from './recurrence-schedule.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

const PARAMS = [
  'batch',
  'timesteps',
  'units',
  'stageBegin',
  'stageEnd',
  'hasInitialState',
  'hasLast',
  'hasLastSaved',
  'hasCellInput',
  'activation',
  'recurrentActivation',
] as const;

const DRIVER_BINDINGS = [
  { name: 'gates', access: 'read_write' },
  { name: 'recurrentKernel', access: 'read' },
  { name: 'initialState', access: 'read' },
  { name: 'h', access: 'read_write' },
  { name: 'last', access: 'read_write' },
  { name: 'saved', access: 'read_write' },
  { name: 'lastSaved', access: 'read_write' },
] as const;

export type RecurrenceForwardRun = KernelRun<(typeof PARAMS)[number], string>;

/** The forward kernel of `cell`: the driver composed with the cell's module and the products module. */
export const recurrenceForwardSpec = perCellAndProducts(
  (cell, products, units): KernelSpec<(typeof PARAMS)[number], string> =>
    defineKernel({
      name: productsName(`recurrence-forward/${cell.name}`, products, units),
      code: composeShader(
        productsModule(products, { cell, direction: 'forward', units }),
        activationCode,
        tileCode,
        orderCode,
        tilesCode,
        code,
        cell.forward.code,
      ),
      params: PARAMS,
      bindings: [...DRIVER_BINDINGS, ...cell.forward.bindings],
    }),
);

export interface RecurrenceForwardOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useInitialState: boolean;
  /** The cell's own input (binding 8) is bound: LSTM's initial cell state, GRU's recurrent bias. */
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
  const schedule = recurrenceSchedule(shape, shape.timesteps * cell.phases, cell.phases, strategy, traits);
  return {
    spec: recurrenceForwardSpec(cell, strategy.products, shape.units),
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
        hasInitialState: Number(options.useInitialState),
        hasLast: Number(options.writeLast),
        hasLastSaved: Number(options.writeLastSaved),
        hasCellInput: Number(options.hasCellInput),
        activation: activationId(options.activation),
        recurrentActivation: activationId(options.recurrentActivation),
      },
    })),
  };
}
