/**
 * Reference of trainer-loss.wgsl in float64: the batch's loss terms, the gradient with respect to the
 * head's outputs (ŷ, or a sigmoid or softmax head's logits), its share of the epoch's loss and its
 * correct predictions.
 */
import { isRowLoss, type Loss } from './trainer-loss.js';

export interface LossRef {
  readonly dPredictions: Float64Array;
  /** Σ terms / (outputs · samples), or / samples for a softmax's losses. */
  readonly epochLoss: number;
  /** Correct predictions of the real rows: elements for a sigmoid head, rows for a softmax. */
  readonly correct: number;
}

/** log(1 + exp(z)) without overflow. */
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** `targets` holds [batchSize, outputs], or class ids [batchSize] for sparse categorical cross-entropy. */
export function trainerLossRef(
  predictions: ArrayLike<number>,
  targets: ArrayLike<number>,
  shape: { readonly samples: number; readonly outputs: number; readonly batchSize: number },
  rows: number,
  loss: Loss,
): LossRef {
  const { outputs: O, batchSize: B, samples } = shape;
  const dPredictions = new Float64Array(B * O);
  let sum = 0;
  let correct = 0;
  if (isRowLoss(loss)) {
    for (let r = 0; r < rows; r++) {
      const z = Array.from({ length: O }, (_, k) => predictions[r * O + k]!);
      const t =
        loss === 'sparseCategoricalCrossentropy'
          ? z.map((_, k) => Number(k === targets[r]))
          : z.map((_, k) => targets[r * O + k]!);
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      const mass = t.reduce((a, b) => a + b, 0);
      // NaN anywhere in a row: the whole row's loss and gradient (tfjs's softmax).
      const nan = z.some(Number.isNaN);
      z.forEach((v, k) => {
        sum += t[k]! * (lse - v);
        dPredictions[r * O + k] = nan ? Number.NaN : (Math.exp(v - lse) * mass - t[k]!) / rows;
      });
      if (nan) sum = Number.NaN;
      correct += Number(argmax(z) === argmax(t));
    }
    return { dPredictions, epochLoss: sum / samples, correct };
  }
  const n = rows * O;
  for (let i = 0; i < n; i++) {
    const z = predictions[i]!;
    const t = targets[i]!;
    const e = z - t;
    if (loss === 'binaryCrossentropy') {
      sum += softplus(z) - z * t;
      dPredictions[i] = (1 / (1 + Math.exp(-z)) - t) / n;
      // tfjs's binaryAccuracy: σ(z) > 0.5 against t, σ(z) in float32: 0.5 up to z = 2⁻²³.
      correct += Number(t === Number(z > 2 ** -23));
      continue;
    }
    sum += loss === 'mse' ? e * e : Math.abs(e);
    // tfjs's gradient of abs is dy · step(e, −1): 1 above 0, −1 at and below, NaN at NaN.
    dPredictions[i] = loss === 'mse' ? (2 * e) / n : Number.isNaN(e) ? e : (e > 0 ? 1 : -1) / n;
  }
  return { dPredictions, epochLoss: sum / (O * samples), correct };
}

/** tf.argMax's: the first of equal largest values; NaN is never larger (a NaN at 0 stays chosen). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k;
  return best;
}
