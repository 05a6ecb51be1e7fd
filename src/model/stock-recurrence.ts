/**
 * A recurrence as stock tfjs ops, for backends without our kernels (webgl, wasm, tensorflow), shared
 * by SimpleRNN, LSTM and GRU: one matMul projects every step's input (x·kernel + bias), then a
 * cell's step runs per timestep on its slice of the projection; tfjs differentiates it. Slicing
 * steps rather than tf.unstack keeps 1-step sequences differentiable (tf.unstack's gradient breaks
 * on them in tfjs 4.22, tfjs#8255).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';

type ActivationClass = new () => { apply(x: tf.Tensor): tf.Tensor };

/** tf.layers' activation of that name (the classes it registers for deserialization). */
export function layersActivation(name: Activation): (x: tf.Tensor) => tf.Tensor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name] as [ActivationClass, unknown] | undefined;
  if (!entry) throw new Error(`webgpu-rnn: tf.layers has no activation named ${name}`);
  const activation = new entry[0]();
  return (x) => activation.apply(x);
}

export interface StockRecurrenceOptions {
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
}

/**
 * Runs `step` over the sequence: states[0] is h, the output; `initial` are the states before the first
 * step. Returns the output (every h [B, T, U] in consumption order, or the last [B, U]) and the last states.
 */
export function stockRecurrence(
  x: tf.Tensor,
  kernel: tf.Tensor,
  inputBias: tf.Tensor | null,
  initial: tf.Tensor2D[],
  options: StockRecurrenceOptions,
  step: (projection: tf.Tensor2D, states: tf.Tensor2D[]) => tf.Tensor2D[],
): { output: tf.Tensor; states: tf.Tensor2D[] } {
  const [B, T, F] = x.shape as [number, number, number];
  const width = kernel.shape[1]!;
  let projection = tf.matMul(tf.reshape(x, [B * T, F]), kernel);
  if (inputBias) projection = tf.add(projection, inputBias);
  const steps = tf.reshape(projection, [B, T, width]);
  let states = initial;
  const outputs: tf.Tensor2D[] = [];
  for (let s = 0; s < T; s++) {
    const t = options.goBackwards ? T - 1 - s : s;
    states = step(tf.reshape(tf.slice(steps, [0, t, 0], [B, 1, width]), [B, width]), states);
    outputs.push(states[0]!);
  }
  return { output: options.returnSequences ? tf.stack(outputs, 1) : states[0]!, states };
}
