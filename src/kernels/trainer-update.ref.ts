/**
 * Reference of trainer-update.wgsl in float64: the batch's weight gradients, then tf.train.adam's
 * update of every weight (moments m and v, running products β1ᵗ and β2ᵗ), and the loss term.
 */
import { lastStates } from './simple-rnn.ref.js';
import { gatherRows, type TrainerModelShape, type TrainerWeights } from './trainer-step.ref.js';
import type { AdamConfig } from './trainer-update.js';
import { weightGradientsRef } from './weight-gradients.ref.js';

export interface AdamState {
  readonly accBeta1: number;
  readonly accBeta2: number;
}

export type TrainerGradients = { readonly [K in keyof TrainerWeights]: Float64Array };

/** Gradients of mean(e²) for the batch, in the order of TrainerWeights. */
export function trainerGradientsRef(
  shape: TrainerModelShape,
  x: ArrayLike<number>,
  rows: readonly number[],
  step: { h: ArrayLike<number>; dz: ArrayLike<number>; e: ArrayLike<number> },
): TrainerGradients {
  const { timesteps: T, features: F, units: U, outputs: O } = shape;
  const n = rows.length;
  const { dKernel, dRecurrentKernel, dBias } = weightGradientsRef(
    { x: gatherRows(x, rows, T * F), h: step.h, initialState: null, dGates: step.dz, saved: null },
    { batch: n, timesteps: T, features: F, units: U, gates: 1, gradientBlocks: 1 },
    { goBackwards: false, biasRows: 1, savedOperand: false },
  );
  const last = lastStates(step.h, n, T, U);
  const denseKernel = new Float64Array(U * O);
  const denseBias = new Float64Array(O);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < O; o++) {
      const g = (2 * step.e[i * O + o]!) / (n * O);
      denseBias[o] = denseBias[o]! + g;
      for (let u = 0; u < U; u++) denseKernel[u * O + o] = denseKernel[u * O + o]! + last[i * U + u]! * g;
    }
  }
  return { kernel: dKernel, recurrentKernel: dRecurrentKernel, bias: dBias, denseKernel, denseBias };
}

/** One Adam step on flat weights w and moments m, v (all updated in place), as tf.train.adam. */
export function adamRef(w: Float64Array, m: Float64Array, v: Float64Array, g: ArrayLike<number>, adam: AdamConfig, state: AdamState): AdamState {
  for (let p = 0; p < w.length; p++) {
    m[p] = m[p]! * adam.beta1 + g[p]! * (1 - adam.beta1);
    v[p] = v[p]! * adam.beta2 + g[p]! * g[p]! * (1 - adam.beta2);
    const mHat = m[p]! / (1 - state.accBeta1);
    const vHat = v[p]! / (1 - state.accBeta2);
    w[p] = w[p]! - (adam.learningRate * mHat) / (Math.sqrt(vHat) + adam.epsilon);
  }
  return { accBeta1: state.accBeta1 * adam.beta1, accBeta2: state.accBeta2 * adam.beta2 };
}

/** The batch's term of its epoch's loss: Σ e² / (outputs · samples). */
export function lossTermRef(e: ArrayLike<number>, outputs: number, samples: number): number {
  let sum = 0;
  for (let k = 0; k < e.length; k++) sum += e[k]! * e[k]!;
  return sum / (outputs * samples);
}
