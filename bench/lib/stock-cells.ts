// The recurrences in stock tfjs ops, step by step as tfjs-layers' own cells compute them (SimpleRNNCell,
// LSTMCell, GRUCell; tfjs has no GRU with resetAfter, so that one follows Keras's GRUCell), every
// state returned like the fused kernels. tfjs differentiates them (tf.grads) for the backward.
import * as tf from '@tensorflow/tfjs';
import type { Activation } from 'webgpu-rnn';

type ActivationClass = new () => { apply(x: tf.Tensor): tf.Tensor };

/** tf.layers' activation of that name (the class it registers for deserialization). */
export function layersActivation(name: Activation): (x: tf.Tensor) => tf.Tensor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name] as [ActivationClass, unknown] | undefined;
  if (!entry) throw new Error(`tf.layers has no activation named ${name}`);
  const activation = new entry[0]();
  return (x) => activation.apply(x);
}

export interface StockCellOptions {
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly resetAfter?: boolean;
}

export type StockWeights = [x: tf.Tensor3D, kernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor];

/** x [B, T, F] → every h [B, T, U], for each cell. */
export const stockCells: Record<
  'SimpleRNN' | 'LSTM' | 'GRU',
  (weights: StockWeights, options: StockCellOptions) => tf.Tensor3D
> = {
  SimpleRNN([x, kernel, recurrent, bias], options) {
    const act = layersActivation(options.activation);
    let h: tf.Tensor = tf.zeros([x.shape[0], kernel.shape[1]]);
    const states: tf.Tensor[] = [];
    for (const xt of tf.unstack(x, 1)) {
      h = act(tf.add(tf.add(tf.matMul(xt as tf.Tensor2D, kernel), tf.matMul(h as tf.Tensor2D, recurrent)), bias));
      states.push(h);
    }
    return tf.stack(states, 1) as tf.Tensor3D;
  },

  LSTM([x, kernel, recurrent, bias], options) {
    const act = layersActivation(options.activation);
    const gate = layersActivation(options.recurrentActivation);
    const units = recurrent.shape[0];
    let h: tf.Tensor = tf.zeros([x.shape[0], units]);
    let c: tf.Tensor = tf.zeros([x.shape[0], units]);
    const states: tf.Tensor[] = [];
    for (const xt of tf.unstack(x, 1)) {
      const z = tf.add(tf.add(tf.matMul(xt as tf.Tensor2D, kernel), tf.matMul(h as tf.Tensor2D, recurrent)), bias);
      const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      c = tf.add(tf.mul(gate(zf), c), tf.mul(gate(zi), act(zc)));
      h = tf.mul(gate(zo), act(c));
      states.push(h);
    }
    return tf.stack(states, 1) as tf.Tensor3D;
  },

  GRU([x, kernel, recurrent, bias], options) {
    const act = layersActivation(options.activation);
    const gate = layersActivation(options.recurrentActivation);
    const units = recurrent.shape[0];
    const [inputBias, recurrentBias] = options.resetAfter ? (tf.unstack(bias) as [tf.Tensor, tf.Tensor]) : [bias, null];
    const [recurrentZR, recurrentH] = tf.split(recurrent, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
    let h: tf.Tensor = tf.zeros([x.shape[0], units]);
    const states: tf.Tensor[] = [];
    for (const xt of tf.unstack(x, 1)) {
      const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt as tf.Tensor2D, kernel), inputBias), 3, 1) as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      let candidate: tf.Tensor;
      let z: tf.Tensor;
      if (recurrentBias) {
        const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h as tf.Tensor2D, recurrent), recurrentBias), 3, 1) as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        z = gate(tf.add(xz, hz));
        candidate = act(tf.add(xh, tf.mul(gate(tf.add(xr, hr)), hh)));
      } else {
        const [hz, hr] = tf.split(tf.matMul(h as tf.Tensor2D, recurrentZR), 2, 1) as [tf.Tensor, tf.Tensor];
        z = gate(tf.add(xz, hz));
        candidate = act(tf.add(xh, tf.matMul(tf.mul(gate(tf.add(xr, hr)), h) as tf.Tensor2D, recurrentH)));
      }
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
      states.push(h);
    }
    return tf.stack(states, 1) as tf.Tensor3D;
  },
};
