/**
 * Reference of the fused LSTM in float64, forward and backward: its recurrence (the math of
 * lstm-forward.wgsl and lstm-backward.wgsl under the core's drivers) composed with the GEMMs'
 * references, in the order recurrent-layer.ts dispatches the kernels. Gates i, f, c̃, o (Keras's order).
 */
import { activateGradRef, activateRef } from './activation.ref.js';
import type { ResolvedLSTMConfig } from './config.js';
import { inputGradientRef } from './input-gradient.ref.js';
import { inputProjectionRef } from './input-projection.ref.js';
import type { RNNShape } from './shape.js';
import { dropAt, dropoutOf, readState, type DropoutArrays } from './dropout.ref.js';
import { blend, KEEP_ALL, keepOf, keptGradient, passedGradient, type Keep } from './masking.ref.js';
import { weightGradientsRef } from './weight-gradients.ref.js';

export interface LSTMArrays extends DropoutArrays {
  readonly x: ArrayLike<number>;
  readonly kernel: ArrayLike<number>;
  readonly recurrentKernel: ArrayLike<number>;
  readonly bias?: ArrayLike<number> | null;
  readonly initialState?: ArrayLike<number> | null;
  readonly initialCellState?: ArrayLike<number> | null;
  /** With config.masking: [B, T] steps or [B] lengths. */
  readonly mask?: ArrayLike<number> | null;
}

export interface LSTMForwardRef {
  /** Pre-activations [B, T, 4U]. */
  readonly gates: Float64Array;
  readonly h: Float64Array;
  readonly c: Float64Array;
}

export interface LSTMGradientsRef {
  readonly dx: Float64Array;
  readonly dKernel: Float64Array;
  readonly dRecurrentKernel: Float64Array;
  readonly dBias: Float64Array;
  readonly dInitialState: Float64Array;
  readonly dInitialCellState: Float64Array;
  readonly dGates: Float64Array;
}

type Activations = Pick<ResolvedLSTMConfig, 'activation' | 'recurrentActivation'>;

const GATES = 4;

/** The forward recurrence, from the input projection p [B, T, 4U]; rm ⊙ h_{s-1} goes into the products. */
export function lstmRecurrenceRef(
  projection: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  initialState: ArrayLike<number> | null,
  initialCellState: ArrayLike<number> | null,
  shape: RNNShape,
  { activation, recurrentActivation }: Activations,
  keep: Keep = KEEP_ALL,
  recurrentDropout: ArrayLike<number> | null = null,
): LSTMForwardRef {
  const { batch: B, timesteps: T, units: U } = shape;
  const W = GATES * U;
  const gates = Float64Array.from(projection);
  const h = new Float64Array(B * T * U);
  const c = new Float64Array(B * T * U);
  // Zero initial states multiply too: 0 · Infinity is NaN, as in tfjs.
  const h0 = initialState ?? new Float64Array(B * U);
  const c0 = initialCellState ?? new Float64Array(B * U);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const row = b * T + s;
      const [hp, hAt] = s > 0 ? [h, (row - 1) * U] : [h0, b * U];
      const [cp, cAt] = s > 0 ? [c, (row - 1) * U] : [c0, b * U];
      const a = gates.subarray(row * W, (row + 1) * W);
      const read = readState(hp, hAt, U, b, recurrentDropout);
      for (let j = 0; j < W; j++) for (let k = 0; k < U; k++) a[j] = a[j]! + read[k]! * recurrentKernel[k * W + j]!;
      const m = keep(b, s);
      for (let u = 0; u < U; u++) {
        const i = activateRef(recurrentActivation, a[u]!);
        const f = activateRef(recurrentActivation, a[U + u]!);
        const g = activateRef(activation, a[2 * U + u]!);
        const o = activateRef(recurrentActivation, a[3 * U + u]!);
        const cs = f * cp[cAt + u]! + i * g;
        c[row * U + u] = blend(cs, cp[cAt + u]!, m);
        h[row * U + u] = blend(o * activateRef(activation, cs), hp[hAt + u]!, m);
      }
    }
  }
  return { gates, h, c };
}

/**
 * The backward recurrence: the gradients of the gates' pre-activations [B, T, 4U] and of the initial
 * states, given dh (every step's) and, optionally, dcLast (the last cell state's); what the gates send
 * h_{s-1} through R reaches it times rm, the recurrent dropout mask (1 where null).
 */
export function lstmRecurrenceBackwardRef(
  arrays: {
    readonly dh: ArrayLike<number>;
    readonly dcLast?: ArrayLike<number> | null;
    readonly gates: ArrayLike<number>;
    readonly c: ArrayLike<number>;
    readonly recurrentKernel: ArrayLike<number>;
    readonly initialCellState: ArrayLike<number> | null;
  },
  shape: RNNShape,
  { activation, recurrentActivation }: Activations,
  keep: Keep = KEEP_ALL,
  recurrentDropout: ArrayLike<number> | null = null,
): { dGates: Float64Array; dInitialState: Float64Array; dInitialCellState: Float64Array } {
  const { batch: B, timesteps: T, units: U } = shape;
  const { gates, c, recurrentKernel } = arrays;
  const W = GATES * U;
  const dGates = new Float64Array(B * T * W);
  const dInitialState = new Float64Array(B * U);
  const dInitialCellState = new Float64Array(B * U);
  const c0 = arrays.initialCellState ?? new Float64Array(B * U);
  // rm ⊙ dGates of `row` · Rᵀ at unit u (of batch row b): what that step sends back to the state before it.
  const backThroughTime = (b: number, row: number, u: number): number => {
    let acc = 0;
    for (let j = 0; j < W; j++) acc += dGates[row * W + j]! * recurrentKernel[u * W + j]!;
    return acc * dropAt(recurrentDropout, b, u, U);
  };
  for (let b = 0; b < B; b++) {
    const dc = arrays.dcLast
      ? Float64Array.from({ length: U }, (_, u) => arrays.dcLast![b * U + u]!)
      : new Float64Array(U);
    // What a dropped step passes on to h before it.
    const passed = new Float64Array(U);
    for (let s = T - 1; s >= 0; s--) {
      const row = b * T + s;
      const [cp, cAt] = s > 0 ? [c, (row - 1) * U] : [c0, b * U];
      const m = keep(b, s);
      for (let u = 0; u < U; u++) {
        const reaching = arrays.dh[row * U + u]! + (s < T - 1 ? backThroughTime(b, row + 1, u) + passed[u]! : 0);
        const dh = keptGradient(reaching, m);
        passed[u] = passedGradient(reaching, m);
        const [ai, af, ac, ao] = [0, 1, 2, 3].map((g) => gates[row * W + g * U + u]!) as [
          number,
          number,
          number,
          number,
        ];
        const [i, f, g, o] = [
          activateRef(recurrentActivation, ai),
          activateRef(recurrentActivation, af),
          activateRef(activation, ac),
          activateRef(recurrentActivation, ao),
        ];
        const cs = c[row * U + u]!;
        const tc = activateRef(activation, cs);
        const dcs = keptGradient(dc[u]!, m) + dh * o * activateGradRef(activation, cs, tc);
        dGates[row * W + u] = dcs * g * activateGradRef(recurrentActivation, ai, i);
        dGates[row * W + U + u] = dcs * cp[cAt + u]! * activateGradRef(recurrentActivation, af, f);
        dGates[row * W + 2 * U + u] = dcs * i * activateGradRef(activation, ac, g);
        dGates[row * W + 3 * U + u] = dh * tc * activateGradRef(recurrentActivation, ao, o);
        dc[u] = dcs * f + passedGradient(dc[u]!, m);
      }
    }
    for (let u = 0; u < U; u++) {
      dInitialState[b * U + u] = backThroughTime(b, b * T, u) + passed[u]!;
      dInitialCellState[b * U + u] = dc[u]!;
    }
  }
  return { dGates, dInitialState, dInitialCellState };
}

const SHAPE = { gates: GATES, gradientBlocks: GATES } as const;

export function lstmForwardRef(inputs: LSTMArrays, config: ResolvedLSTMConfig): LSTMForwardRef {
  const bias = config.useBias ? (inputs.bias ?? null) : null;
  const dropout = dropoutOf(inputs, config);
  const shape = { ...config, ...SHAPE };
  const projection = inputProjectionRef(inputs.x, inputs.kernel, bias, shape, config.goBackwards, dropout.input);
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const initialCellState = config.useInitialCellState ? (inputs.initialCellState ?? null) : null;
  const keep = keepOf(inputs.mask, config);
  const { recurrentKernel } = inputs;
  const states = [initialState, initialCellState] as const;
  return lstmRecurrenceRef(projection, recurrentKernel, ...states, config, config, keep, dropout.recurrent);
}

/** Gradients of Σ dh ⊙ h + Σ dcLast ⊙ c_{T-1} with respect to every input, given the forward's gates, h and c. */
export function lstmBackwardRef(
  inputs: LSTMArrays & {
    readonly gates: ArrayLike<number>;
    readonly h: ArrayLike<number>;
    readonly c: ArrayLike<number>;
    readonly dh: ArrayLike<number>;
    readonly dcLast?: ArrayLike<number> | null;
  },
  config: ResolvedLSTMConfig,
): LSTMGradientsRef {
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const initialCellState = config.useInitialCellState ? (inputs.initialCellState ?? null) : null;
  const keep = keepOf(inputs.mask, config);
  const dropout = dropoutOf(inputs, config);
  const recurrence = lstmRecurrenceBackwardRef(
    { ...inputs, initialCellState },
    config,
    config,
    keep,
    dropout.recurrent,
  );
  const shape = { ...config, ...SHAPE };
  const weights = weightGradientsRef(
    {
      x: inputs.x,
      h: inputs.h,
      initialState,
      dGates: recurrence.dGates,
      saved: null,
      inputDropout: dropout.input,
      recurrentDropout: dropout.recurrent,
    },
    shape,
    { goBackwards: config.goBackwards, biasRows: 1, savedOperand: false },
  );
  return {
    dx: inputGradientRef(recurrence.dGates, inputs.kernel, shape, config.goBackwards, dropout.input),
    ...weights,
    ...recurrence,
  };
}
