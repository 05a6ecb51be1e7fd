/**
 * The recurrences in stock tfjs ops, as `npm run bench:kernels` writes them, step by step as tfjs's
 * own cells compute them (SimpleRNNCell, LSTMCell, GRUCell): per step the matMuls of the input and
 * the state, the adds and activations; every state stacked. Steps are sliced rather than unstacked,
 * so 1-step sequences differentiate too.
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchCell } from './bench-config.js';

export type Activate = (t: tf.Tensor) => tf.Tensor;

/** One step: the input's projection x_t·kernel + bias [B, G·U] and the states before it → the states after it (h first). */
type Step = (
  projection: tf.Tensor2D,
  states: tf.Tensor2D[],
  recurrentKernel: tf.Tensor2D,
  activation: Activate,
  gate: Activate,
) => tf.Tensor2D[];

const STEPS: Record<BenchCell, { states: number; step: Step }> = {
  simpleRNN: { states: 1, step: (p, [h], r, act) => [act(tf.add(p, tf.matMul(h!, r))) as tf.Tensor2D] },
  lstm: {
    states: 2,
    step(p, [h, c], r, act, gate) {
      const [i, f, candidate, o] = tf.split(tf.add(p, tf.matMul(h!, r)), 4, 1) as tf.Tensor2D[];
      const next = tf.add(tf.mul(gate(f!), c!), tf.mul(gate(i!), act(candidate!))) as tf.Tensor2D;
      return [tf.mul(gate(o!), act(next)) as tf.Tensor2D, next];
    },
  },
  gru: {
    states: 1,
    step(p, [h], r, act, gate) {
      const units = r.shape[0];
      const [rZR, rH] = tf.split(r, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [pz, pr, ph] = tf.split(p, 3, 1) as tf.Tensor2D[];
      const [hz, hr] = tf.split(tf.matMul(h!, rZR), 2, 1) as tf.Tensor2D[];
      const z = gate(tf.add(pz!, hz!));
      const candidate = act(tf.add(ph!, tf.matMul(tf.mul(gate(tf.add(pr!, hr!)), h!) as tf.Tensor2D, rH)));
      return [tf.add(tf.mul(z, h!), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D];
    },
  },
};

/** Every state h [B, T, U] of the cell over x [B, T, F] (kernel [F, G·U], recurrentKernel [U, G·U], bias [G·U]). */
export function stockRecurrence(
  cell: BenchCell,
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  activations: { activation: Activate; gate: Activate },
  goBackwards: boolean,
): tf.Tensor3D {
  const [B, T, F] = x.shape;
  const { states: count, step } = STEPS[cell];
  let states = Array.from({ length: count }, () => tf.zeros([B, recurrentKernel.shape[0]]) as tf.Tensor2D);
  const outputs: tf.Tensor2D[] = [];
  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, F]), [B, F]) as tf.Tensor2D;
    states = step(
      tf.add(tf.matMul(xt, kernel), bias) as tf.Tensor2D,
      states,
      recurrentKernel,
      activations.activation,
      activations.gate,
    );
    outputs.push(states[0]!);
  }
  return tf.stack(outputs, 1) as tf.Tensor3D;
}
