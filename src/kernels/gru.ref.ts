/**
 * Reference of the fused GRU in float64, both variants, forward and backward: its recurrence (the
 * math of gru-forward.wgsl and gru-backward.wgsl under the core's drivers) composed with the GEMMs'
 * references, in the order recurrent-layer.ts dispatches the kernels. Gates z, r, h̃ (Keras's order).
 */
import { activateGradRef, activateRef } from './activation.ref.js';
import type { ResolvedGRUConfig } from './config.js';
import { inputGradientRef } from './input-gradient.ref.js';
import { inputProjectionRef } from './input-projection.ref.js';
import type { RNNShape } from './shape.js';
import { dropAt, dropoutOf, readState, type DropoutArrays } from './dropout.ref.js';
import { blend, KEEP_ALL, keepOf, keptGradient, passedGradient, type Keep } from './masking.ref.js';
import { weightGradientsRef } from './weight-gradients.ref.js';

export interface GRUArrays extends DropoutArrays {
  readonly x: ArrayLike<number>;
  readonly kernel: ArrayLike<number>;
  readonly recurrentKernel: ArrayLike<number>;
  /** [3U], or [2, 3U] with resetAfter: the input row, then the recurrent row. */
  readonly bias?: ArrayLike<number> | null;
  readonly initialState?: ArrayLike<number> | null;
  /** With config.masking: [B, T] steps or [B] lengths. */
  readonly mask?: ArrayLike<number> | null;
}

export interface GRUForwardRef {
  /** Pre-activations [B, T, 3U]. */
  readonly gates: Float64Array;
  readonly h: Float64Array;
  /** r ⊙ h_{s-1}, or with resetAfter h_{s-1}·R_h̃ + b_h̃ (h_{s-1} as read: rm ⊙ h_{s-1}): [B, T, U]. */
  readonly resetProduct: Float64Array;
}

export interface GRUGradientsRef {
  readonly dx: Float64Array;
  readonly dKernel: Float64Array;
  readonly dRecurrentKernel: Float64Array;
  readonly dBias: Float64Array;
  readonly dInitialState: Float64Array;
  /** [B, T, 3U], or with resetAfter [B, T, 4U]: the recurrent side's h̃ gradient last. */
  readonly dGates: Float64Array;
}

type Options = Pick<ResolvedGRUConfig, 'activation' | 'recurrentActivation' | 'resetAfter'>;

const GATES = 3;

/**
 * The forward recurrence, from the input projection p [B, T, 3U]; recurrentBias is bias row 1
 * (resetAfter). The step reads rm ⊙ h_{s-1} everywhere, the blend included, as tfjs's GRUCell; masking
 * carries h_{s-1} itself.
 */
export function gruRecurrenceRef(
  projection: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  recurrentBias: ArrayLike<number> | null,
  initialState: ArrayLike<number> | null,
  shape: RNNShape,
  { activation, recurrentActivation, resetAfter }: Options,
  keep: Keep = KEEP_ALL,
  recurrentDropout: ArrayLike<number> | null = null,
): GRUForwardRef {
  const { batch: B, timesteps: T, units: U } = shape;
  const W = GATES * U;
  const gates = Float64Array.from(projection);
  const h = new Float64Array(B * T * U);
  const resetProduct = new Float64Array(B * T * U);
  // A zero initial state multiplies too: 0 · Infinity is NaN, as in tfjs.
  const h0 = initialState ?? new Float64Array(B * U);
  // operand [U] · R[:, g-th block] at unit u
  const product = (operand: ArrayLike<number>, at: number, g: number, u: number) => {
    let acc = 0;
    for (let k = 0; k < U; k++) acc += operand[at + k]! * recurrentKernel[k * W + g * U + u]!;
    return acc;
  };
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const row = b * T + s;
      const [hp, at] = s > 0 ? [h, (row - 1) * U] : [h0, b * U];
      const read = readState(hp, at, U, b, recurrentDropout);
      const a = gates.subarray(row * W, (row + 1) * W);
      const rb = (g: number, u: number) => (recurrentBias ? recurrentBias[g * U + u]! : 0);
      for (let u = 0; u < U; u++) {
        a[u] = a[u]! + product(read, 0, 0, u) + rb(0, u);
        a[U + u] = a[U + u]! + product(read, 0, 1, u) + rb(1, u);
        const r = activateRef(recurrentActivation, a[U + u]!);
        resetProduct[row * U + u] = resetAfter ? product(read, 0, 2, u) + rb(2, u) : r * read[u]!;
        if (resetAfter) a[2 * U + u] = a[2 * U + u]! + r * resetProduct[row * U + u]!;
      }
      const m = keep(b, s);
      for (let u = 0; u < U; u++) {
        if (!resetAfter) a[2 * U + u] = a[2 * U + u]! + product(resetProduct, row * U, 2, u);
        const z = activateRef(recurrentActivation, a[u]!);
        h[row * U + u] = blend(z * read[u]! + (1 - z) * activateRef(activation, a[2 * U + u]!), hp[at + u]!, m);
      }
    }
  }
  return { gates, h, resetProduct };
}

/**
 * The backward recurrence: the gradients of the gates (and, with resetAfter, the recurrent h̃ block) and of
 * h_{-1}; what the step sends the state it read reaches h_{s-1} times rm (1 where null).
 */
export function gruRecurrenceBackwardRef(
  arrays: {
    readonly dh: ArrayLike<number>;
    readonly gates: ArrayLike<number>;
    readonly h: ArrayLike<number>;
    readonly resetProduct: ArrayLike<number>;
    readonly recurrentKernel: ArrayLike<number>;
    readonly initialState: ArrayLike<number> | null;
  },
  shape: RNNShape,
  { activation, recurrentActivation, resetAfter }: Options,
  keep: Keep = KEEP_ALL,
  recurrentDropout: ArrayLike<number> | null = null,
): { dGates: Float64Array; dInitialState: Float64Array } {
  const { batch: B, timesteps: T, units: U } = shape;
  const { gates, h, resetProduct, recurrentKernel } = arrays;
  const W = GATES * U;
  const blocks = resetAfter ? 4 : 3;
  const dGates = new Float64Array(B * T * blocks * U);
  const dInitialState = new Float64Array(B * U);
  const h0 = arrays.initialState ?? new Float64Array(B * U);
  // Σ_k d[k] · R[u, g·U + k]: a gradient block through the transposed kernel block g.
  const back = (d: ArrayLike<number>, at: number, g: number, u: number) => {
    let acc = 0;
    for (let k = 0; k < U; k++) acc += d[at + k]! * recurrentKernel[u * W + g * U + k]!;
    return acc;
  };
  for (let b = 0; b < B; b++) {
    // What step s+1 sends to h_s: its elementwise part and its gate gradients through R.
    let incoming = new Float64Array(U);
    for (let s = T - 1; s >= 0; s--) {
      const row = b * T + s;
      const [hp, at] = s > 0 ? [h, (row - 1) * U] : [h0, b * U];
      const read = readState(hp, at, U, b, recurrentDropout);
      const d = dGates.subarray(row * blocks * U, (row + 1) * blocks * U);
      const m = keep(b, s);
      const g = Float64Array.from({ length: U }, (_, u) => arrays.dh[row * U + u]! + incoming[u]!);
      const dh = g.map((v) => keptGradient(v, m));
      // What a dropped step passes on to h_{s-1}, and the step's own elementwise part, sent to what it read.
      const passed = g.map((v) => passedGradient(v, m));
      const elementwise = new Float64Array(U);
      const z = (u: number) => activateRef(recurrentActivation, gates[row * W + u]!);
      const r = (u: number) => activateRef(recurrentActivation, gates[row * W + U + u]!);
      for (let u = 0; u < U; u++) {
        const az = gates[row * W + u]!;
        const ah = gates[row * W + 2 * U + u]!;
        const candidate = activateRef(activation, ah);
        d[u] = dh[u]! * (read[u]! - candidate) * activateGradRef(recurrentActivation, az, z(u));
        d[2 * U + u] = dh[u]! * (1 - z(u)) * activateGradRef(activation, ah, candidate);
        elementwise[u] = elementwise[u]! + dh[u]! * z(u);
      }
      for (let u = 0; u < U; u++) {
        const ar = gates[row * W + U + u]!;
        if (resetAfter) {
          d[U + u] = d[2 * U + u]! * resetProduct[row * U + u]! * activateGradRef(recurrentActivation, ar, r(u));
          d[3 * U + u] = d[2 * U + u]! * r(u);
        } else {
          const dReset = back(d, 2 * U, 2, u);
          d[U + u] = dReset * read[u]! * activateGradRef(recurrentActivation, ar, r(u));
          elementwise[u] = elementwise[u]! + dReset * r(u);
        }
      }
      const sent = (u: number) =>
        elementwise[u]! + back(d, 0, 0, u) + back(d, U, 1, u) + (resetAfter ? back(d, 3 * U, 2, u) : 0);
      incoming = Float64Array.from({ length: U }, (_, u) => passed[u]! + dropAt(recurrentDropout, b, u, U) * sent(u));
    }
    dInitialState.set(incoming, b * U);
  }
  return { dGates, dInitialState };
}

const shapeOf = (config: ResolvedGRUConfig) => ({ ...config, gates: GATES, gradientBlocks: config.resetAfter ? 4 : 3 });

export function gruForwardRef(inputs: GRUArrays, config: ResolvedGRUConfig): GRUForwardRef {
  const bias = config.useBias ? (inputs.bias ?? null) : null;
  const W = GATES * config.units;
  // With resetAfter, bias row 0 goes into the projection and row 1 into the recurrence.
  const inputBias = bias && config.resetAfter ? Array.from(bias).slice(0, W) : bias;
  const recurrentBias = bias && config.resetAfter ? Array.from(bias).slice(W, 2 * W) : null;
  const dropout = dropoutOf(inputs, config);
  const { x, kernel, recurrentKernel } = inputs;
  const projection = inputProjectionRef(x, kernel, inputBias, shapeOf(config), config.goBackwards, dropout.input);
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const keep = keepOf(inputs.mask, config);
  const recurrence = [projection, recurrentKernel, recurrentBias, initialState, config, config, keep] as const;
  return gruRecurrenceRef(...recurrence, dropout.recurrent);
}

/** Gradients of Σ dh ⊙ h with respect to every input, given the forward's gates, h and reset product. */
export function gruBackwardRef(
  inputs: GRUArrays & {
    readonly gates: ArrayLike<number>;
    readonly h: ArrayLike<number>;
    readonly resetProduct: ArrayLike<number>;
    readonly dh: ArrayLike<number>;
  },
  config: ResolvedGRUConfig,
): GRUGradientsRef {
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const dropout = dropoutOf(inputs, config);
  const keep = keepOf(inputs.mask, config);
  const recurrence = gruRecurrenceBackwardRef({ ...inputs, initialState }, config, config, keep, dropout.recurrent);
  const shape = shapeOf(config);
  const weights = weightGradientsRef(
    {
      x: inputs.x,
      h: inputs.h,
      initialState,
      dGates: recurrence.dGates,
      saved: inputs.resetProduct,
      inputDropout: dropout.input,
      recurrentDropout: dropout.recurrent,
    },
    shape,
    { goBackwards: config.goBackwards, biasRows: config.resetAfter ? 2 : 1, savedOperand: !config.resetAfter },
  );
  return {
    dx: inputGradientRef(recurrence.dGates, inputs.kernel, shape, config.goBackwards, dropout.input),
    ...weights,
    ...recurrence,
  };
}
