/** The four cells as the recurrence kernels see them, with their references: the per-kernel tests' table. */
import type { Activation } from '../../src/kernels/activation.js';
import type { Cell } from '../../src/kernels/cell.js';
import { GRU_CELL } from '../../src/kernels/gru.js';
import { gruRecurrenceBackwardRef, gruRecurrenceRef } from '../../src/kernels/gru.ref.js';
import { LSTM_CELL } from '../../src/kernels/lstm.js';
import { lstmRecurrenceBackwardRef, lstmRecurrenceRef } from '../../src/kernels/lstm.ref.js';
import type { RNNShape } from '../../src/kernels/shape.js';
import type { DeviceTraits } from '../../src/kernels/strategy.js';
import { sideLayout, type SideLayout } from '../../src/kernels/side-inputs.js';
import { SIMPLE_RNN_CELL } from '../../src/kernels/simple-rnn.js';
import { simpleRNNRecurrenceBackwardRef, simpleRNNRecurrenceRef } from '../../src/kernels/simple-rnn.ref.js';
import { TEST_BACKEND } from './webgpu.js';

export type CellName = 'SimpleRNN' | 'LSTM' | 'GRU' | 'GRU resetAfter';

export interface Activations {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
}

/** The cell's inputs besides the projection and recurrent kernel, as the forward kernel binds them. */
export interface RecurrenceInputs {
  readonly recurrentKernel: ArrayLike<number>;
  readonly initialState: ArrayLike<number> | null;
  /** LSTM's c_{-1}. */
  readonly initialCellState: ArrayLike<number> | null;
  /** GRU resetAfter's bias [2, 3U] (row 1 is the recurrent bias). */
  readonly bias: ArrayLike<number> | null;
}

/** The forward kernel's outputs by binding name: gates, h and saved. */
export type ForwardOutputs = {
  readonly gates: Float64Array;
  readonly h: Float64Array;
  readonly saved: Float64Array | null;
};

export interface BackwardInputs {
  readonly dh: ArrayLike<number>;
  readonly dcLast: ArrayLike<number> | null;
  readonly gates: ArrayLike<number>;
  readonly h: ArrayLike<number>;
  readonly saved: ArrayLike<number> | null;
}

interface CellCase {
  readonly cell: Cell;
  forward(
    projection: ArrayLike<number>,
    inputs: RecurrenceInputs,
    shape: RNNShape,
    activations: Activations,
  ): ForwardOutputs;
  backward(
    arrays: BackwardInputs,
    inputs: RecurrenceInputs,
    shape: RNNShape,
    activations: Activations,
  ): Record<string, Float64Array>;
}

const gru = (cell: Cell, resetAfter: boolean): CellCase => ({
  cell,
  forward: (projection, inputs, shape, activations) => {
    const recurrentBias = inputs.bias ? Array.from(inputs.bias).slice(3 * shape.units) : null;
    const out = gruRecurrenceRef(projection, inputs.recurrentKernel, recurrentBias, inputs.initialState, shape, {
      ...activations,
      resetAfter,
    });
    return { gates: out.gates, h: out.h, saved: out.resetProduct };
  },
  backward: (arrays, inputs, shape, activations) =>
    gruRecurrenceBackwardRef(
      {
        ...arrays,
        resetProduct: arrays.saved!,
        recurrentKernel: inputs.recurrentKernel,
        initialState: inputs.initialState,
      },
      shape,
      { ...activations, resetAfter },
    ),
});

export const CELLS: Record<CellName, CellCase> = {
  SimpleRNN: {
    cell: SIMPLE_RNN_CELL.cell({}),
    forward: (projection, inputs, shape, { activation }) => {
      const { z, h } = simpleRNNRecurrenceRef(
        projection,
        inputs.recurrentKernel,
        inputs.initialState,
        shape,
        activation,
      );
      return { gates: z, h, saved: null };
    },
    backward: (arrays, inputs, shape, { activation }) => {
      const { dz, dInitialState } = simpleRNNRecurrenceBackwardRef(
        arrays.dh,
        arrays.gates,
        arrays.h,
        inputs.recurrentKernel,
        shape,
        activation,
      );
      return { dGates: dz, dInitialState };
    },
  },
  LSTM: {
    cell: LSTM_CELL.cell({}),
    forward: (projection, inputs, shape, activations) => {
      const { gates, h, c } = lstmRecurrenceRef(
        projection,
        inputs.recurrentKernel,
        inputs.initialState,
        inputs.initialCellState,
        shape,
        activations,
      );
      return { gates, h, saved: c };
    },
    backward: (arrays, inputs, shape, activations) =>
      lstmRecurrenceBackwardRef(
        {
          ...arrays,
          c: arrays.saved!,
          recurrentKernel: inputs.recurrentKernel,
          initialCellState: inputs.initialCellState,
        },
        shape,
        activations,
      ),
  },
  GRU: gru(GRU_CELL.cell({ resetAfter: false }), false),
  'GRU resetAfter': gru(GRU_CELL.cell({ resetAfter: true }), true),
};

/**
 * Whether this project runs a case: llvmpipe (the opengl project) takes minutes to compile unrolled
 * products past a few hundred weights (SimpleRNN U32's backward: 64 s); unrolled is SwiftShader's
 * strategy, which runs them all.
 */
export function runsHere(c: {
  readonly cell: CellName;
  readonly units: number;
  readonly strategy: { readonly products?: string };
}): boolean {
  return (
    TEST_BACKEND !== 'opengl' ||
    c.strategy.products !== 'unrolled' ||
    CELLS[c.cell].cell.gates * c.units * c.units <= 256
  );
}

/** A kernel-level case's side inputs (side-inputs.ts): where each sits, and the buffer's data. */
export function sideInputs(
  device: GPUDevice,
  shape: RNNShape,
  inputs: { readonly initialState: ArrayLike<number> | null; readonly initialCellState: ArrayLike<number> | null },
): { layout: SideLayout; data: Float32Array | null } {
  const layout = sideLayout(
    {
      ...shape,
      useInitialState: inputs.initialState !== null,
      useInitialSaved: inputs.initialCellState !== null,
      masking: null,
      inputDropout: false,
      recurrentDropout: false,
    },
    device.limits.minStorageBufferOffsetAlignment,
  );
  if (layout.bytes === 0) return { layout, data: null };
  const data = new Float32Array(layout.bytes / 4);
  if (layout.initialState) data.set(inputs.initialState!, layout.initialState.at);
  if (layout.initialSaved) data.set(inputs.initialCellState!, layout.initialSaved.at);
  return { layout, data };
}

/**
 * `traits` on a device with only `bytes` of workgroup memory: cooperative products then stage fewer
 * operand columns at a time.
 */
export function withWorkgroupStorage(traits: DeviceTraits, bytes: number | undefined): DeviceTraits {
  if (bytes === undefined) return traits;
  const limits: Record<string, unknown> = {};
  for (const key in traits.limits) limits[key] = traits.limits[key as keyof GPUSupportedLimits];
  return { ...traits, limits: { ...limits, maxComputeWorkgroupStorageSize: bytes } as unknown as GPUSupportedLimits };
}
