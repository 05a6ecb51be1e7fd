/**
 * Reference of trainer-step.wgsl in float64: forward through time, ŷ and e = ŷ − y, and BPTT to dz,
 * for the batch of samples `rows`.
 */
import type { Activation } from './activation.js';
import { resolveConfig } from './config.js';
import { lastStates, simpleRNNBackwardRef, simpleRNNForwardRef } from './simple-rnn.ref.js';

export interface TrainerWeights {
  readonly kernel: ArrayLike<number>;
  readonly recurrentKernel: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
  readonly denseKernel: ArrayLike<number>;
  readonly denseBias: ArrayLike<number>;
}

export interface TrainerModelShape {
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  readonly outputs: number;
  readonly activation: Activation;
}

/** x [rows.length, T, F] gathered from samples. */
export function gatherRows(data: ArrayLike<number>, rows: readonly number[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((sample, i) => {
    for (let k = 0; k < width; k++) out[i * width + k] = data[sample * width + k]!;
  });
  return out;
}

export function denseRef(last: ArrayLike<number>, w: TrainerWeights, n: number, units: number, outputs: number): Float64Array {
  const out = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < outputs; o++) {
      let acc = w.denseBias[o]!;
      for (let u = 0; u < units; u++) acc += last[i * units + u]! * w.denseKernel[u * outputs + o]!;
      out[i * outputs + o] = acc;
    }
  }
  return out;
}


export function trainerStepRef(
  shape: TrainerModelShape,
  weights: TrainerWeights,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: readonly number[],
): { h: Float64Array; z: Float64Array; e: Float64Array; dz: Float64Array } {
  const { timesteps: T, features: F, units: U, outputs: O } = shape;
  const n = rows.length;
  const config = resolveConfig({ batch: n, timesteps: T, features: F, units: U, activation: shape.activation });
  const inputs = { x: gatherRows(x, rows, T * F), kernel: weights.kernel, recurrentKernel: weights.recurrentKernel, bias: weights.bias };
  const { h, z } = simpleRNNForwardRef(inputs, config);
  const prediction = denseRef(lastStates(h, n, T, U), weights, n, U, O);
  const targets = gatherRows(y, rows, O);
  const e = prediction.map((p, k) => p - targets[k]!);
  // dŷ = 2e / (n · O), through the dense kernel into the last state's gradient.
  const dh = new Float64Array(n * T * U);
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < U; u++) {
      let acc = 0;
      for (let o = 0; o < O; o++) acc += (2 * e[i * O + o]!) / (n * O) * weights.denseKernel[u * O + o]!;
      dh[((i + 1) * T - 1) * U + u] = acc;
    }
  }
  const { dz } = simpleRNNBackwardRef({ ...inputs, h, z, dh }, config);
  return { h, z, e, dz };
}
