/**
 * One op call's outputs and gradients on a backend: for comparing the fused kernels (webgpu, cpu)
 * with the stock-op fallback on a backend without them.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras's mask [3, 4]: a row that starts masked, a right-padded row, a row masked throughout. */
export const MASK = [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];

/** tfjs's dropout masks for 3 rows (rate 0.5: 0 or 2): the input's [3, 2] and a recurrent one [3, 5]. */
export const DROPOUT_MASK = [2, 0, 0, 2, 2, 2];
export const RECURRENT_DROPOUT_MASK = [2, 0, 2, 2, 0, 0, 2, 2, 0, 2, 2, 2, 0, 2, 0];

/**
 * Outputs of `op(...inputs)` and the gradients of Σᵢ sum(outputᵢ² · (i + 1)) with respect to every input;
 * and whether our kernels ran.
 */
export async function outputsAndGradients(
  backend: string,
  inputs: () => tf.Tensor[],
  op: (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  kernel: string,
): Promise<{ data: Float32Array[]; fused: boolean }> {
  await tf.setBackend(backend);
  const tensors = inputs();
  const list = (y: tf.Tensor | tf.Tensor[]) => (Array.isArray(y) ? y : [y]);
  const profile = await tf.profile(() => {
    const outputs = list(op(...tensors));
    const loss = (...t: tf.Tensor[]) =>
      tf.addN(list(op(...t)).map((y, i) => tf.mul(tf.sum(tf.square(y)), i + 1))) as tf.Scalar;
    return [...outputs, ...tf.grads(loss)(tensors)];
  });
  const results = profile.result as tf.Tensor[];
  const data = await Promise.all(results.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([...tensors, ...results]);
  return { data, fused: profile.kernelNames.includes(kernel) };
}
