/**
 * ops.gru: the fused GRU as a differentiable tfjs op, in both of Keras's forms (gates z, r, h̃ in
 * Keras's column order, each `units` wide; x = x_t(s), t(s) = goBackwards ? T-1-s : s):
 *
 *   z, r = recurrentActivation(x·k_z + h·rk_z + b_z, x·k_r + h·rk_r + b_r)
 *   resetAfter false (tf.layers.gru):  h̃ = activation(x·k_h̃ + b_h̃ + (r ⊙ h)·rk_h̃),        bias [3U]
 *   resetAfter true (Keras, cuDNN):    h̃ = activation(x·k_h̃ + b_h̃ + r ⊙ (h·rk_h̃ + b'_h̃)), bias [2, 3U]
 *   h_s = z ⊙ h_{s-1} + (1 - z) ⊙ h̃
 *
 * (with resetAfter, b is bias row 0, the input row, and b' row 1, the recurrent row; z and r add
 * both). Returns every h [B, T, U] (returnSequences) or the last [B, U]; with returnState,
 * [output, last h]. Kernels, gradient and fallback as ops.lstm.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_RECURRENT_ACTIVATION, resolveActivation, type Activation } from '../kernels/activation.js';
import { hasKernels } from './fused-kernels.js';
import { GRU, GRU_GRAD, type GRUAttrs } from './kernel-names.js';
import { emptyResult, opArguments, toFloat32 } from './op-arguments.js';
import { pack, unpack, unpackGradient, type Packing } from './packed-outputs.js';
import { stockGRU } from './stock-gru.js';

export interface GRUOpOptions {
  /** Of the candidate h̃. Default 'tanh', as tf.layers.gru. */
  readonly activation?: Activation;
  /** Of the gates z, r. Default 'hardSigmoid', as tf.layers.gru. */
  readonly recurrentActivation?: Activation;
  /** Keras's and cuDNN's form, bias [2, 3U] (tf.layers.gru has only false). Default false. */
  readonly resetAfter?: boolean;
  /** Return every h [B, T, U] instead of the last [B, U]. Default false. */
  readonly returnSequences?: boolean;
  /** Return [output, last h] instead of the output. Default false. */
  readonly returnState?: boolean;
  /** Consume the sequence last step first; states come out in consumption order. Default false. */
  readonly goBackwards?: boolean;
  /** h before the first step, [B, U]; default zeros. */
  readonly initialState?: tf.Tensor | null;
}

const OPTIONS = [
  'activation',
  'recurrentActivation',
  'resetAfter',
  'returnSequences',
  'returnState',
  'goBackwards',
  'initialState',
] as const;
const GATES = 3;

export function gru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: GRUOpOptions & { returnState: true },
): [tf.Tensor, tf.Tensor];
export function gru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options?: GRUOpOptions,
): tf.Tensor;
export function gru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options?: GRUOpOptions,
): tf.Tensor | tf.Tensor[] {
  const check = opArguments('gru');
  check.tensor('x', x, ['batch', 'timesteps', 'features'], '[batch, timesteps, features]; batch may be 0', 0);
  const [B, T, F] = x.shape as [number, number, number];
  const U = check.gateColumns('kernel', kernel, F, GATES, 'features must match x');
  check.tensor('recurrentKernel', recurrentKernel, [U, GATES * U], `units × ${GATES}·units`);
  const given = check.options<GRUOpOptions>(options, OPTIONS);
  const resetAfter = check.flag('resetAfter', given.resetAfter);
  if (bias != null) {
    if (resetAfter)
      check.tensor(
        'bias',
        bias,
        [2, GATES * U],
        `resetAfter: the input row, then the recurrent row, each ${GATES}·units; or null for none`,
      );
    else
      check.tensor(
        'bias',
        bias,
        [GATES * U],
        `${GATES}·units (with resetAfter: [2, ${GATES}·units]); or null for none`,
      );
  }
  const initialState = given.initialState ?? null;
  if (initialState != null) check.tensor('initialState', initialState, [B, U], 'batch × units', 0);
  const attrs: GRUAttrs = {
    activation: resolveActivation(given.activation, 'ops.gru: options.activation'),
    recurrentActivation: resolveActivation(
      given.recurrentActivation,
      'ops.gru: options.recurrentActivation',
      DEFAULT_RECURRENT_ACTIVATION,
    ),
    resetAfter,
    goBackwards: check.flag('goBackwards', given.goBackwards),
    returnSequences: check.flag('returnSequences', given.returnSequences),
    useBias: bias != null,
  };
  const returnState = check.flag('returnState', given.returnState);
  const packing: Packing = {
    batch: B,
    timesteps: T,
    units: U,
    returnSequences: attrs.returnSequences,
    returnState,
    cellState: false,
  };
  return tf.tidy(() => {
    const inputs: GRUInputs = {
      x: toFloat32(x),
      kernel: toFloat32(kernel),
      recurrentKernel: toFloat32(recurrentKernel),
    };
    if (bias) inputs.bias = toFloat32(bias);
    if (initialState) inputs.initialState = toFloat32(initialState);
    if (B === 0) {
      const output = emptyResult(Object.values(inputs), attrs.returnSequences ? [0, T, U] : [0, U]);
      return returnState ? [output, emptyResult(Object.values(inputs), [0, U])] : output;
    }
    if (!hasKernels([GRU, GRU_GRAD])) {
      const { output, h } = stockGRU(inputs.x, inputs.kernel, inputs.recurrentKernel, inputs.bias ?? null, {
        ...attrs,
        initialState: inputs.initialState ?? null,
      });
      return returnState ? [output, h] : output;
    }
    return unpack(fusedGRU(inputs, attrs, packing), packing);
  });
}

interface GRUInputs {
  x: tf.Tensor;
  kernel: tf.Tensor;
  recurrentKernel: tf.Tensor;
  bias?: tf.Tensor;
  initialState?: tf.Tensor;
}

function fusedGRU(inputs: GRUInputs, attrs: GRUAttrs, packing: Packing): tf.Tensor {
  const names = Object.keys(inputs) as (keyof GRUInputs)[];
  const named = (tensors: tf.Tensor[]) =>
    Object.fromEntries(names.map((name, i) => [name, tensors[i]!])) as unknown as GRUInputs;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const tensors = args as tf.Tensor[];
    const [h, gates, resetProduct, last] = tf
      .engine()
      .runKernel(GRU, { ...named(tensors) }, { ...attrs }) as tf.Tensor[];
    save([...tensors, h!, gates!, resetProduct!]);
    return {
      value: pack(attrs.returnSequences ? h! : last!, null, packing),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const { bias: _, ...forward } = named(saved.slice(0, tensors.length));
        const [sh, sg, sr] = saved.slice(tensors.length);
        const gradInputs = {
          ...forward,
          h: sh!,
          gates: sg!,
          resetProduct: sr!,
          dy: unpackGradient(dy, packing).dOutput,
        };
        return tf.engine().runKernel(GRU_GRAD, gradInputs, { ...attrs }) as tf.Tensor[];
      },
    };
  });
  return op(...Object.values(inputs));
}
