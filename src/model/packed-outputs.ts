/**
 * How an op with several outputs keeps one custom gradient. tf.customGrad differentiates a single
 * output tensor, so the op's value is one tensor [B, K, U]: the output's steps (every h, K = T, or
 * the last, K = 1), then for LSTM with returnState the last cell state c. The op's outputs are views
 * of it (the output, the last h, the last c), and tfjs adds their gradients back into the value's
 * gradient, which the backward kernel takes apart again: one backward run for all of them. Without
 * returnState the value is the output itself, and packing costs nothing (reshapes only).
 */
import * as tf from '@tensorflow/tfjs';

export interface Packing {
  readonly batch: number;
  readonly timesteps: number;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  /** The cell has a second state, c (LSTM). */
  readonly cellState: boolean;
}

const steps = (p: Packing) => (p.returnSequences ? p.timesteps : 1);
const packsCell = (p: Packing) => p.cellState && p.returnState;

function step(value: tf.Tensor, at: number, p: Packing): tf.Tensor2D {
  return tf.reshape(tf.slice(value, [0, at, 0], [p.batch, 1, p.units]), [p.batch, p.units]);
}

/** The value from the kernel's output (every h [B, T, U] or the last [B, U]) and, when packed, the last c [B, U]. */
export function pack(output: tf.Tensor, lastCellState: tf.Tensor | null, p: Packing): tf.Tensor3D {
  const sequence = tf.reshape(output, [p.batch, steps(p), p.units]) as tf.Tensor3D;
  if (!packsCell(p)) return sequence;
  return tf.concat([sequence, tf.reshape(lastCellState!, [p.batch, 1, p.units])], 1);
}

/** The op's result: the output alone, or with returnState [output, last h] (GRU) or [output, last h, last c] (LSTM). */
export function unpack(value: tf.Tensor, p: Packing): tf.Tensor | tf.Tensor[] {
  const last = steps(p) - 1;
  const sequence = packsCell(p) ? tf.slice(value, [0, 0, 0], [p.batch, steps(p), p.units]) : value;
  const output = p.returnSequences ? sequence : tf.reshape(sequence, [p.batch, p.units]);
  if (!p.returnState) return output;
  // Without returnSequences the output is the last h: a clone shares its data.
  const h = p.returnSequences ? step(value, last, p) : tf.clone(output);
  return p.cellState ? [output, h, step(value, steps(p), p)] : [output, h];
}

/**
 * The value's gradient as the backward kernel takes it: for the output (dh [B, T, U] or dhLast [B, U])
 * and the last c.
 */
export function unpackGradient(dy: tf.Tensor, p: Packing): { dOutput: tf.Tensor; dCellState: tf.Tensor | null } {
  const dSequence = packsCell(p) ? tf.slice(dy, [0, 0, 0], [p.batch, steps(p), p.units]) : dy;
  return {
    dOutput: p.returnSequences ? dSequence : tf.reshape(dSequence, [p.batch, p.units]),
    dCellState: packsCell(p) ? step(dy, steps(p), p) : null,
  };
}
