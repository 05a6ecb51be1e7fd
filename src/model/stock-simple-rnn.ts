/** The SimpleRNN recurrence as stock tfjs ops (see stock-recurrence.ts): h = act(p + h·recurrentKernel). */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import { layersActivation, stockRecurrence } from './stock-recurrence.js';

export interface StockSimpleRNNOptions {
  readonly activation: Activation;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly initialState: tf.Tensor | null;
}

export function stockSimpleRNN(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: StockSimpleRNNOptions,
): tf.Tensor {
  return tf.tidy(() => {
    const activate = layersActivation(options.activation);
    // Zeros multiply too, as in tf.layers (0·Infinity is NaN).
    const h0 = (options.initialState ?? tf.zeros([x.shape[0], kernel.shape[1]!])) as tf.Tensor2D;
    return stockRecurrence(x, kernel, bias, [h0], options, (p, [h]) => [
      activate(tf.add(p, tf.matMul(h!, recurrentKernel))) as tf.Tensor2D,
    ]).output;
  });
}
