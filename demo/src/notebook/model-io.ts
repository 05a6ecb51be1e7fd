/** Values in and out of a tfjs model without leaking tensors: weight snapshots and predictions. */
import * as tf from '@tensorflow/tfjs';

export interface WeightSnapshot {
  readonly values: Float32Array;
  readonly shape: number[];
}

/** The model's weights, copied to the host (await t.data(): dataSync is not safe on every webgpu page). */
export async function snapshotWeights(model: tf.LayersModel): Promise<WeightSnapshot[]> {
  return Promise.all(
    model.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: [...w.shape] })),
  );
}

export function restoreWeights(model: tf.LayersModel, weights: readonly WeightSnapshot[]): void {
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** The model's output for one input sequence of scalars. */
export async function predictNext(model: tf.LayersModel, input: readonly number[]): Promise<number[]> {
  const x = tf.tensor3d([...input], [1, input.length, 1]);
  const y = model.predict(x) as tf.Tensor;
  try {
    return [...(await y.data())];
  } finally {
    tf.dispose([x, y]);
  }
}
