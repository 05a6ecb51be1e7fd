/** Reference of trainer-optimizer.wgsl in float64: one step of tf.train.adam or tf.train.sgd. */
import type { OptimizerConfig } from './trainer-optimizer.js';

export function trainerOptimizerRef(
  state: {
    readonly weights: ArrayLike<number>;
    readonly gradients: ArrayLike<number>;
    readonly m: ArrayLike<number>;
    readonly v: ArrayLike<number>;
  },
  optimizer: OptimizerConfig,
  /** β1ᵗ and β2ᵗ of this step. */
  accBeta: { readonly beta1: number; readonly beta2: number },
): { weights: Float64Array; m: Float64Array; v: Float64Array } {
  const { learningRate: lr, beta1, beta2, epsilon } = optimizer;
  const n = state.weights.length;
  const weights = Float64Array.from(state.weights);
  const m = Float64Array.from(state.m);
  const v = Float64Array.from(state.v);
  for (let p = 0; p < n; p++) {
    const g = state.gradients[p]!;
    if (optimizer.type === 'sgd') {
      weights[p] = weights[p]! - lr * g;
      continue;
    }
    m[p] = beta1 * m[p]! + (1 - beta1) * g;
    v[p] = beta2 * v[p]! + (1 - beta2) * g * g;
    weights[p] =
      weights[p]! - (lr * (m[p]! / (1 - accBeta.beta1))) / (Math.sqrt(v[p]! / (1 - accBeta.beta2)) + epsilon);
  }
  return { weights, m, v };
}
