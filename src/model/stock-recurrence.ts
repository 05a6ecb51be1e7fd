/**
 * The stock twin of every cell: its recurrence as stock tfjs ops, the rival every benchmark and test
 * compares the fused kernels against, and what the ops run on backends without our kernels (webgl,
 * wasm, tensorflow). One matMul projects every step's input (x·kernel + the input bias), then the
 * cell's step (CellDefinition.step) runs per timestep on its slice of the projection; tfjs
 * differentiates it. Slicing steps rather than tf.unstack keeps 1-step sequences differentiable
 * (tf.unstack's gradient breaks on them in tfjs 4.22, tfjs#8255).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../kernels/activation.js';
import type { CellDefinition, LayerConfig, StepOps } from '../kernels/cell.js';

type ActivationClass = new () => { apply(x: tf.Tensor): tf.Tensor };

/** tf.layers' activation of that name (the classes it registers for deserialization). */
export function layersActivation(name: Activation): (x: tf.Tensor) => tf.Tensor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name] as [ActivationClass, unknown] | undefined;
  if (!entry) throw new Error(`webgpu-rnn: tf.layers has no activation named ${name}`);
  const activation = new entry[0]();
  return (x) => activation.apply(x);
}

/** tfjs as the ops of a cell's step. */
export const TFJS_STEP_OPS: StepOps<tf.Tensor> = {
  matMul: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  oneMinus: (x) => tf.sub(1, x),
  split: (x, sizes) => tf.split(x, sizes, -1),
  activation: layersActivation,
};

export interface StockRecurrenceOptions {
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  /** The states before the first step, [B, U] each (h, then c for LSTM); zeros where null. */
  readonly initialStates: readonly (tf.Tensor | null)[];
  /** Keras's mask [B, T] (0 drops a step), blended in as tfjs's rnn() does; null for none. */
  readonly mask?: tf.Tensor | null;
  /** tfjs's dropout masks: [B, F] on every step's x, [B, U] on h_{s-1} as the step reads it; null for none. */
  readonly dropoutMask?: tf.Tensor | null;
  readonly recurrentDropoutMask?: tf.Tensor | null;
}

export interface StockRecurrence {
  /** Every h [B, T, U] in consumption order, or the last [B, U]. */
  readonly output: tf.Tensor;
  /** The states after the last step (h first). */
  readonly states: tf.Tensor[];
}

/** One step of `cell` in stock ops: p [B, G·U] (x_t·kernel + the input bias) and the states before it. */
export function stockStep(
  cell: CellDefinition,
  config: LayerConfig,
  recurrentKernel: tf.Tensor,
  recurrentBias: tf.Tensor | null,
): (p: tf.Tensor, states: readonly tf.Tensor[]) => tf.Tensor[] {
  return (p, states) => cell.step(TFJS_STEP_OPS, p, states, { recurrentKernel, recurrentBias }, config);
}

/** The input bias row and the recurrent one (null unless the cell has two bias rows). */
export function biasRows(bias: tf.Tensor | null, rows: number): [tf.Tensor | null, tf.Tensor | null] {
  if (!bias || rows === 1) return [bias, null];
  const [input, recurrent] = tf.split(bias, 2).map((row) => tf.reshape(row, [-1]));
  return [input!, recurrent!];
}

/**
 * The layer of `cell` in config `c` as stock ops: x [B, T, F], kernel [F, G·U], recurrentKernel
 * [U, G·U], bias (or null). Zero initial states multiply too, as in tf.layers (0·Infinity is NaN).
 */
export function stockRecurrence(
  cell: CellDefinition,
  c: LayerConfig,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: StockRecurrenceOptions,
): StockRecurrence {
  return tf.tidy(() => {
    const [B, T, F] = x.shape as [number, number, number];
    const units = recurrentKernel.shape[0]!;
    const width = kernel.shape[1]!;
    const [inputBias, recurrentBias] = biasRows(bias, cell.cell(c).biasRows);
    const step = stockStep(cell, c, recurrentKernel, recurrentBias);
    const dropped = options.dropoutMask ? tf.mul(x, tf.reshape(options.dropoutMask, [B, 1, F])) : x;
    let projection = tf.matMul(tf.reshape(dropped, [B * T, F]), kernel as tf.Tensor2D);
    if (inputBias) projection = tf.add(projection, inputBias);
    const steps = tf.reshape(projection, [B, T, width]);
    let states = Array.from({ length: cell.states }, (_, i) => options.initialStates[i] ?? tf.zeros([B, units]));
    const mask = options.mask ? tf.cast(tf.cast(options.mask, 'bool'), 'float32') : null;
    const rm = options.recurrentDropoutMask ?? null;
    const outputs: tf.Tensor[] = [];
    for (let s = 0; s < T; s++) {
      const t = options.goBackwards ? T - 1 - s : s;
      // The step reads h_{s-1} times the recurrent dropout mask; masking carries h_{s-1} itself.
      const read = rm ? [tf.mul(states[0]!, rm), ...states.slice(1)] : states;
      const next = step(tf.reshape(tf.slice(steps, [0, t, 0], [B, 1, width]), [B, width]), read);
      if (mask) {
        const m = tf.slice(mask, [0, t], [B, 1]);
        const skipped = tf.sub(tf.onesLike(m), m);
        states = next.map((state, i) => tf.add(tf.mul(state, m), tf.mul(states[i]!, skipped)));
      } else states = next;
      outputs.push(states[0]!);
    }
    return { output: options.returnSequences ? tf.stack(outputs, 1) : states[0]!, states };
  });
}
