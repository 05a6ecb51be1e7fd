/**
 * The SimpleRNN recurrence as stock tfjs ops, for backends without our kernels (webgl, wasm,
 * tensorflow): one matMul for the input projection of every step, then per step a matMul, an add
 * and tf.layers' own activation; tfjs differentiates it. Slicing steps rather than tf.unstack
 * keeps 1-step sequences differentiable (tf.unstack's gradient breaks on them in tfjs 4.22).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';

export interface StockSimpleRNNOptions {
  readonly activation: Activation;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly initialState: tf.Tensor | null;
}

type ActivationClass = new () => { apply(x: tf.Tensor): tf.Tensor };

/** tf.layers' activation of that name (the classes it registers for deserialization). */
function layersActivation(name: Activation): (x: tf.Tensor) => tf.Tensor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name] as [ActivationClass, unknown] | undefined;
  if (!entry) throw new Error(`webgpu-rnn: tf.layers has no activation named ${name}`);
  const activation = new entry[0]();
  return (x) => activation.apply(x);
}

export function stockSimpleRNN(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: StockSimpleRNNOptions,
): tf.Tensor {
  return tf.tidy(() => {
    const [B, T, F] = x.shape as [number, number, number];
    const U = kernel.shape[1]!;
    const activate = layersActivation(options.activation);
    let projection = tf.matMul(tf.reshape(x, [B * T, F]), kernel);
    if (bias) projection = tf.add(projection, bias);
    const steps = tf.reshape(projection, [B, T, U]);
    let h = options.initialState;
    const states: tf.Tensor[] = [];
    for (let s = 0; s < T; s++) {
      const t = options.goBackwards ? T - 1 - s : s;
      const p = tf.reshape(tf.slice(steps, [0, t, 0], [B, 1, U]), [B, U]);
      h = activate(h ? tf.add(p, tf.matMul(h, recurrentKernel)) : p);
      states.push(h);
    }
    return options.returnSequences ? tf.stack(states, 1) : h!;
  });
}
