/**
 * The SimpleRNN recurrence in stock tfjs ops, as `npm run bench:kernels` writes it: per step a
 * matMul of the input, a matMul of the state, adds and the activation; every state stacked.
 * Steps are sliced rather than unstacked, so 1-step sequences differentiate too.
 */
import * as tf from '@tensorflow/tfjs';

export function stockRNN(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  activation: (t: tf.Tensor) => tf.Tensor,
  goBackwards: boolean,
): tf.Tensor3D {
  const [B, T, F] = x.shape;
  let h: tf.Tensor2D = tf.zeros([B, kernel.shape[1]]);
  const states: tf.Tensor2D[] = [];
  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, F]), [B, F]);
    h = activation(tf.add(tf.add(tf.matMul(xt, kernel), tf.matMul(h, recurrentKernel)), bias)) as tf.Tensor2D;
    states.push(h);
  }
  return tf.stack(states, 1) as tf.Tensor3D;
}
