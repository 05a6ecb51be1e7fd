/**
 * The GRU recurrence as stock tfjs ops (see stock-recurrence.ts), in both of Keras's forms (gates
 * z, r, h̃ in Keras's column order; p = x·kernel + the input bias):
 *
 *   z, r = recurrentActivation(p_z + h·rk_z (+ b_rec,z), p_r + h·rk_r (+ b_rec,r))
 *   resetAfter false (tf.layers.gru):  h̃ = activation(p_h̃ + (r ⊙ h)·rk_h̃)
 *   resetAfter true (Keras, cuDNN):    h̃ = activation(p_h̃ + r ⊙ (h·rk_h̃ + b_rec,h̃))
 *   h = z ⊙ h + (1 - z) ⊙ h̃
 *
 * With resetAfter, bias is [2, 3U]: the input row, then the recurrent row.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import { layersActivation, stockRecurrence } from './stock-recurrence.js';

export interface GRUStepOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;
}

export interface StockGRUOptions extends GRUStepOptions {
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly initialState: tf.Tensor | null;
}

/** One step from the input projection p [B, 3U] (input bias included) and h [B, U]. */
export function gruStep(
  recurrentKernel: tf.Tensor,
  recurrentBias: tf.Tensor | null,
  options: GRUStepOptions,
): (p: tf.Tensor2D, h: tf.Tensor2D) => tf.Tensor2D {
  const activate = layersActivation(options.activation);
  const gate = layersActivation(options.recurrentActivation);
  const units = recurrentKernel.shape[0]!;
  const [rkZR, rkH] = tf.split(recurrentKernel, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
  const [rbZR, rbH] = recurrentBias ? tf.split(recurrentBias, [2 * units, units]) : [null, null];
  return (p, h) => {
    const [pz, pr, ph] = tf.split(p, 3, 1);
    let inner = tf.matMul(h, rkZR);
    if (rbZR) inner = tf.add(inner, rbZR);
    const [hz, hr] = tf.split(inner, 2, 1);
    const z = gate(tf.add(pz!, hz!));
    const r = gate(tf.add(pr!, hr!));
    let candidate: tf.Tensor;
    if (options.resetAfter) {
      let recurrent: tf.Tensor = tf.matMul(h, rkH);
      if (rbH) recurrent = tf.add(recurrent, rbH);
      candidate = activate(tf.add(ph!, tf.mul(r, recurrent)));
    } else {
      candidate = activate(tf.add(ph!, tf.matMul(tf.mul(r, h) as tf.Tensor2D, rkH)));
    }
    return tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D;
  };
}

/** The output (every h or the last) and the last h. */
export function stockGRU(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: StockGRUOptions,
): { output: tf.Tensor; h: tf.Tensor } {
  return tf.tidy(() => {
    const [inputBias, recurrentBias] =
      bias && options.resetAfter ? tf.split(bias, 2).map((row) => tf.reshape(row, [-1])) : [bias, null];
    const step = gruStep(recurrentKernel, recurrentBias ?? null, options);
    const h0 = (options.initialState ?? tf.zeros([x.shape[0], recurrentKernel.shape[0]!])) as tf.Tensor2D;
    const { output, states } = stockRecurrence(x, kernel, inputBias ?? null, [h0], options, (p, [h]) => [step(p, h!)]);
    return { output, h: states[0]! };
  });
}
