/**
 * Reference of the fused SimpleRNN in float64, forward and backward: its recurrence (the math of
 * simple-rnn-forward.wgsl and simple-rnn-backward.wgsl under the core's drivers) composed with the
 * GEMMs' references, in the order recurrent-layer.ts dispatches the kernels.
 */
import type { Activation } from './activation.js';
import { activateGradRef, activateRef } from './activation.ref.js';
import type { ResolvedConfig } from './config.js';
import { inputGradientRef } from './input-gradient.ref.js';
import { inputProjectionRef } from './input-projection.ref.js';
import type { RNNShape } from './shape.js';
import { dropAt, dropoutOf, readState, type DropoutArrays } from './dropout.ref.js';
import { blend, KEEP_ALL, keepOf, keptGradient, passedGradient, type Keep } from './masking.ref.js';
import { weightGradientsRef } from './weight-gradients.ref.js';

export interface SimpleRNNArrays extends DropoutArrays {
  readonly x: ArrayLike<number>;
  readonly kernel: ArrayLike<number>;
  readonly recurrentKernel: ArrayLike<number>;
  readonly bias?: ArrayLike<number> | null;
  readonly initialState?: ArrayLike<number> | null;
  /** With config.masking: [B, T] steps or [B] lengths. */
  readonly mask?: ArrayLike<number> | null;
}

export interface SimpleRNNForwardRef {
  readonly z: Float64Array;
  readonly h: Float64Array;
}

export interface SimpleRNNGradientsRef {
  readonly dx: Float64Array;
  readonly dKernel: Float64Array;
  readonly dRecurrentKernel: Float64Array;
  readonly dBias: Float64Array;
  readonly dInitialState: Float64Array;
  readonly dz: Float64Array;
}

const SHAPE = { gates: 1, gradientBlocks: 1 } as const;

/**
 * The forward recurrence: z_s = p_s + (rm ⊙ h_{s-1}) · R, h_s = activation(z_s), with p the input
 * projection and rm the recurrent dropout mask [B, U] (null: none).
 */
export function simpleRNNRecurrenceRef(
  projection: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  initialState: ArrayLike<number> | null,
  shape: RNNShape,
  activation: Activation,
  keep: Keep = KEEP_ALL,
  recurrentDropout: ArrayLike<number> | null = null,
): SimpleRNNForwardRef {
  const { batch: B, timesteps: T, units: U } = shape;
  const z = Float64Array.from(projection);
  const h = new Float64Array(B * T * U);
  // A zero h_{-1} multiplies too: 0 · Infinity is NaN, as in tfjs.
  const h0 = initialState ?? new Float64Array(B * U);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const cur = (b * T + s) * U;
      const prev = s > 0 ? h : h0;
      const prevOffset = s > 0 ? cur - U : b * U;
      const m = keep(b, s);
      const read = readState(prev, prevOffset, U, b, recurrentDropout);
      for (let u = 0; u < U; u++) {
        let acc = z[cur + u]!;
        for (let k = 0; k < U; k++) acc += read[k]! * recurrentKernel[k * U + u]!;
        z[cur + u] = acc;
        h[cur + u] = blend(activateRef(activation, acc), prev[prevOffset + u]!, m);
      }
    }
  }
  return { z, h };
}

/**
 * The backward recurrence: dz_s = (dh_s + rm ⊙ dz_{s+1} · Rᵀ) ⊙ activation'(z_s), dh_{-1} = rm ⊙ dz_0 · Rᵀ
 * (rm: the recurrent dropout mask, 1 where null).
 */
export function simpleRNNRecurrenceBackwardRef(
  dh: ArrayLike<number>,
  z: ArrayLike<number>,
  h: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  shape: RNNShape,
  activation: Activation,
  keep: Keep = KEEP_ALL,
  recurrentDropout: ArrayLike<number> | null = null,
): { dz: Float64Array; dInitialState: Float64Array } {
  const { batch: B, timesteps: T, units: U } = shape;
  const dz = new Float64Array(B * T * U);
  const dInitialState = new Float64Array(B * U);
  // rm ⊙ dz_{s+1} · Rᵀ for one row
  const backThroughTime = (b: number, next: number, u: number): number => {
    let acc = 0;
    for (let k = 0; k < U; k++) acc += dz[next + k]! * recurrentKernel[u * U + k]!;
    return acc * dropAt(recurrentDropout, b, u, U);
  };
  for (let b = 0; b < B; b++) {
    // What a dropped step passes on to the state before it.
    let passed = new Float64Array(U);
    for (let s = T - 1; s >= 0; s--) {
      const cur = (b * T + s) * U;
      const m = keep(b, s);
      const next = new Float64Array(U);
      for (let u = 0; u < U; u++) {
        const g = dh[cur + u]! + (s < T - 1 ? backThroughTime(b, cur + U, u) + passed[u]! : 0);
        dz[cur + u] = keptGradient(g, m) * activateGradRef(activation, z[cur + u]!, h[cur + u]!);
        next[u] = passedGradient(g, m);
      }
      passed = next;
    }
    for (let u = 0; u < U; u++) dInitialState[b * U + u] = backThroughTime(b, b * T * U, u) + passed[u]!;
  }
  return { dz, dInitialState };
}

export function simpleRNNForwardRef(inputs: SimpleRNNArrays, config: ResolvedConfig): SimpleRNNForwardRef {
  const bias = config.useBias ? (inputs.bias ?? null) : null;
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const dropout = dropoutOf(inputs, config);
  const shape = { ...config, ...SHAPE };
  const projection = inputProjectionRef(inputs.x, inputs.kernel, bias, shape, config.goBackwards, dropout.input);
  const keep = keepOf(inputs.mask, config);
  const { activation } = config;
  return simpleRNNRecurrenceRef(
    projection,
    inputs.recurrentKernel,
    initialState,
    config,
    activation,
    keep,
    dropout.recurrent,
  );
}

/** Gradients of Σ dh ⊙ h with respect to every input, given the forward's z and h. */
export function simpleRNNBackwardRef(
  inputs: SimpleRNNArrays & {
    readonly z: ArrayLike<number>;
    readonly h: ArrayLike<number>;
    readonly dh: ArrayLike<number>;
  },
  config: ResolvedConfig,
): SimpleRNNGradientsRef {
  const initialState = config.useInitialState ? (inputs.initialState ?? null) : null;
  const dropout = dropoutOf(inputs, config);
  const { dz, dInitialState } = simpleRNNRecurrenceBackwardRef(
    inputs.dh,
    inputs.z,
    inputs.h,
    inputs.recurrentKernel,
    config,
    config.activation,
    keepOf(inputs.mask, config),
    dropout.recurrent,
  );
  const shape = { ...config, ...SHAPE };
  const operands = { x: inputs.x, h: inputs.h, initialState, dGates: dz, saved: null };
  const weights = weightGradientsRef(
    { ...operands, inputDropout: dropout.input, recurrentDropout: dropout.recurrent },
    shape,
    { goBackwards: config.goBackwards, biasRows: 1, savedOperand: false },
  );
  const dx = inputGradientRef(dz, inputs.kernel, shape, config.goBackwards, dropout.input);
  return { dx, ...weights, dInitialState, dz };
}

/** h [n, T, U] → h at the last step [n, U]: a layer's output without returnSequences. */
export function lastStates(h: ArrayLike<number>, n: number, timesteps: number, units: number): Float64Array {
  const out = new Float64Array(n * units);
  for (let i = 0; i < n; i++)
    for (let u = 0; u < units; u++) out[i * units + u] = h[((i + 1) * timesteps - 1) * units + u]!;
  return out;
}

/** A gradient of the last states [n, U] → the gradient of every state [n, T, U], zero before the last step. */
export function expandLastStep(last: ArrayLike<number>, n: number, timesteps: number, units: number): Float64Array {
  const full = new Float64Array(n * timesteps * units);
  for (let i = 0; i < n; i++)
    for (let u = 0; u < units; u++) full[((i + 1) * timesteps - 1) * units + u] = last[i * units + u]!;
  return full;
}
