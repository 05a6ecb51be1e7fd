/** Reference of trainer-optimizer.wgsl in float64: one step of tf.train.adam, tf.train.sgd or tf.train.rmsprop. */
import { clipMode, optimizerStates, type OptimizerConfig } from './trainer-optimizer.js';

export function trainerOptimizerRef(
  state: {
    readonly weights: ArrayLike<number>;
    readonly gradients: ArrayLike<number>;
    /** The kernel's layout: Adam m | v; RMSProp ms | mom, each [parameters]. */
    readonly moments: ArrayLike<number>;
  },
  optimizer: OptimizerConfig,
  /** β1ᵗ and β2ᵗ of this step. */
  accBeta: { readonly beta1: number; readonly beta2: number },
  /** With clipping: each tensor's first parameter and gradient scale (trainer-clip). */
  clip?: { readonly tensorStarts: ArrayLike<number>; readonly scales: ArrayLike<number> },
): { weights: Float64Array; moments: Float64Array } {
  const { learningRate: lr, beta1, beta2, epsilon, decay, momentum } = optimizer;
  const n = state.weights.length;
  const weights = Float64Array.from(state.weights);
  const moments = Float64Array.from(state.moments).subarray(0, optimizerStates(optimizer) * n);
  const mode = clipMode(optimizer);
  if (mode !== 0 && !clip) throw new Error('trainerOptimizerRef: clipping needs the tensors and their scales');
  const scaleOf = (p: number) => {
    if (mode === 2) return clip!.scales[0]!;
    let t = 0;
    while (t + 1 < clip!.tensorStarts.length && clip!.tensorStarts[t + 1]! <= p) t++;
    return clip!.scales[t]!;
  };
  for (let p = 0; p < n; p++) {
    const g = state.gradients[p]! * (mode === 0 ? 1 : scaleOf(p));
    if (optimizer.type === 'sgd') {
      weights[p] = weights[p]! - lr * g;
    } else if (optimizer.type === 'rmsprop') {
      const ms = (moments[p] = decay * moments[p]! + (1 - decay) * g * g);
      const mom = (moments[n + p] = momentum * moments[n + p]! + (lr * g) / Math.sqrt(ms + epsilon));
      weights[p] = weights[p]! - mom;
    } else {
      const m = (moments[p] = beta1 * moments[p]! + (1 - beta1) * g);
      const v = (moments[n + p] = beta2 * moments[n + p]! + (1 - beta2) * g * g);
      weights[p] = weights[p]! - (lr * (m / (1 - accBeta.beta1))) / (Math.sqrt(v / (1 - accBeta.beta2)) + epsilon);
    }
  }
  return { weights, moments };
}
