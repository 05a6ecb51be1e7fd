/**
 * Keras's clipnorm and global_clipnorm computed with tf ops, for checking the trainer's clip: the clip value
 * is the median of the tensors' norms (clipNorm: some tensors clip and some do not) or half the global norm.
 */
import * as tf from '@tensorflow/tfjs';

export function clippedGradients(gradients: tf.Tensor[], clip: 'clipNorm' | 'globalClipNorm') {
  const norms = gradients.map((g) => tf.norm(g));
  const normValues = norms.map((n) => n.dataSync()[0]!);
  const global = tf.sqrt(tf.addN(norms.map((n) => tf.square(n))));
  const globalNorm = global.dataSync()[0]!;
  const c =
    clip === 'clipNorm' ? [...normValues].sort((a, b) => a - b)[Math.floor(normValues.length / 2)]! : globalNorm / 2;
  // Each tensor's scale, c / max(its norm or the global one, c).
  const scales = normValues.map((n) => c / Math.max(clip === 'clipNorm' ? n : globalNorm, c));
  const clipped = gradients.map((g, i) =>
    tf.tidy(() => tf.mul(g, tf.div(c, tf.maximum(clip === 'clipNorm' ? norms[i]! : global, c)))),
  );
  const expected = clipped.map((g) => Float64Array.from(g.dataSync()));
  tf.dispose([global, ...norms, ...clipped]);
  return { c, scales, expected };
}
