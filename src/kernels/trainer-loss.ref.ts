/** Reference of trainer-loss.wgsl in float64: the batch's loss terms, dŷ, and the step's bookkeeping. */
import type { Loss } from './trainer-loss.js';

export function trainerLossRef(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  shape: { readonly samples: number; readonly outputs: number; readonly batchSize: number },
  rows: number,
  loss: Loss,
): { dPredictions: Float64Array; epochLoss: number } {
  const { outputs: O, batchSize: B, samples } = shape;
  const dPredictions = new Float64Array(B * O);
  const n = rows * O;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = predictions[i]! - targets[i]!;
    sum += loss === 'mse' ? e * e : Math.abs(e);
    // tfjs's gradient of abs is dy · step(e, −1): 1 above 0, −1 at and below, NaN at NaN.
    dPredictions[i] = loss === 'mse' ? (2 * e) / n : Number.isNaN(e) ? e : (e > 0 ? 1 : -1) / n;
  }
  return { dPredictions, epochLoss: sum / (O * samples) };
}
