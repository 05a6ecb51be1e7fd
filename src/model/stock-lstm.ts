/**
 * The LSTM recurrence as stock tfjs ops (see stock-recurrence.ts), tf.layers.lstm's math (gates i, f,
 * c̃, o in Keras's column order):
 *
 *   a = p + h·recurrentKernel,   i, f, o = recurrentActivation(a_i, a_f, a_o),
 *   c = f ⊙ c + i ⊙ activation(a_c̃),   h = o ⊙ activation(c)
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import { layersActivation, stockRecurrence } from './stock-recurrence.js';

export interface StockLSTMOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly initialState: tf.Tensor | null;
  readonly initialCellState: tf.Tensor | null;
}

/** The output (every h or the last) and the last h and c. */
export function stockLSTM(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: StockLSTMOptions,
): { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } {
  return tf.tidy(() => {
    const activate = layersActivation(options.activation);
    const gate = layersActivation(options.recurrentActivation);
    const zeros = () => tf.zeros([x.shape[0], recurrentKernel.shape[0]!]) as tf.Tensor2D;
    const initial = [
      (options.initialState ?? zeros()) as tf.Tensor2D,
      (options.initialCellState ?? zeros()) as tf.Tensor2D,
    ];
    const { output, states } = stockRecurrence(x, kernel, bias, initial, options, (p, [h, c]) => {
      const [ai, af, ac, ao] = tf.split(tf.add(p, tf.matMul(h!, recurrentKernel)), 4, 1);
      const next = tf.add(tf.mul(gate(af!), c!), tf.mul(gate(ai!), activate(ac!))) as tf.Tensor2D;
      return [tf.mul(gate(ao!), activate(next)) as tf.Tensor2D, next];
    });
    return { output, h: states[0]!, c: states[1]! };
  });
}
