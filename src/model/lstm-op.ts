/**
 * ops.lstm: the fused LSTM as a differentiable tfjs op, tf.layers.lstm's math (gates i, f, c̃, o in
 * Keras's column order, each `units` wide):
 *
 *   a = x_t(s)·kernel + h_{s-1}·recurrentKernel + bias,   i, f, o = recurrentActivation(a_i, a_f, a_o),
 *   c_s = f ⊙ c_{s-1} + i ⊙ activation(a_c̃),   h_s = o ⊙ activation(c_s),   t(s) = goBackwards ? T-1-s : s
 *
 * Returns every h [B, T, U] (returnSequences) or the last [B, U]; with returnState, [output, last h,
 * last c], as the layer does. On the backends our kernels exist for (webgpu, cpu) it runs them,
 * registering them on first use, with one backward kernel run per backward pass for every input and
 * output (packed-outputs.ts); elsewhere the same computation as stock tfjs ops. As ops.simpleRNN:
 * int32 and bool inputs are cast, a batch of 0 gives empty results.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_RECURRENT_ACTIVATION, resolveActivation, type Activation } from '../kernels/activation.js';
import { hasKernels } from './fused-kernels.js';
import { LSTM, LSTM_GRAD, type LSTMAttrs } from './kernel-names.js';
import { emptyResult, opArguments, toFloat32 } from './op-arguments.js';
import { pack, unpack, unpackGradient, type Packing } from './packed-outputs.js';
import { stockLSTM } from './stock-lstm.js';

export interface LSTMOpOptions {
  /** Of the candidate and of c. Default 'tanh', as tf.layers.lstm. */
  readonly activation?: Activation;
  /** Of the gates i, f, o. Default 'hardSigmoid', as tf.layers.lstm. */
  readonly recurrentActivation?: Activation;
  /** Return every h [B, T, U] instead of the last [B, U]. Default false. */
  readonly returnSequences?: boolean;
  /** Return [output, last h, last c] instead of the output. Default false. */
  readonly returnState?: boolean;
  /** Consume the sequence last step first; states come out in consumption order. Default false. */
  readonly goBackwards?: boolean;
  /** h before the first step, [B, U]; default zeros. */
  readonly initialState?: tf.Tensor | null;
  /** c before the first step, [B, U]; default zeros. */
  readonly initialCellState?: tf.Tensor | null;
}

const OPTIONS = [
  'activation',
  'recurrentActivation',
  'returnSequences',
  'returnState',
  'goBackwards',
  'initialState',
  'initialCellState',
] as const;
const GATES = 4;

export function lstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: LSTMOpOptions & { returnState: true },
): [tf.Tensor, tf.Tensor, tf.Tensor];
export function lstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options?: LSTMOpOptions,
): tf.Tensor;
export function lstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options?: LSTMOpOptions,
): tf.Tensor | tf.Tensor[] {
  const check = opArguments('lstm');
  check.tensor('x', x, ['batch', 'timesteps', 'features'], '[batch, timesteps, features]; batch may be 0', 0);
  const [B, T, F] = x.shape as [number, number, number];
  const U = check.gateColumns('kernel', kernel, F, GATES, 'features must match x');
  check.tensor('recurrentKernel', recurrentKernel, [U, GATES * U], `units × ${GATES}·units`);
  if (bias != null) check.tensor('bias', bias, [GATES * U], `${GATES}·units; or null for none`);
  const given = check.options<LSTMOpOptions>(options, OPTIONS);
  const initialState = given.initialState ?? null;
  const initialCellState = given.initialCellState ?? null;
  if (initialState != null) check.tensor('initialState', initialState, [B, U], 'batch × units', 0);
  if (initialCellState != null) check.tensor('initialCellState', initialCellState, [B, U], 'batch × units', 0);
  const attrs: LSTMAttrs = {
    activation: resolveActivation(given.activation, 'ops.lstm: options.activation'),
    recurrentActivation: resolveActivation(
      given.recurrentActivation,
      'ops.lstm: options.recurrentActivation',
      DEFAULT_RECURRENT_ACTIVATION,
    ),
    goBackwards: check.flag('goBackwards', given.goBackwards),
    returnSequences: check.flag('returnSequences', given.returnSequences),
    returnState: check.flag('returnState', given.returnState),
    useBias: bias != null,
  };
  const packing: Packing = {
    batch: B,
    timesteps: T,
    units: U,
    returnSequences: attrs.returnSequences,
    returnState: attrs.returnState,
    cellState: true,
  };
  return tf.tidy(() => {
    const inputs: LSTMInputs = {
      x: toFloat32(x),
      kernel: toFloat32(kernel),
      recurrentKernel: toFloat32(recurrentKernel),
    };
    if (bias) inputs.bias = toFloat32(bias);
    if (initialState) inputs.initialState = toFloat32(initialState);
    if (initialCellState) inputs.initialCellState = toFloat32(initialCellState);
    if (B === 0) {
      const output = emptyResult(Object.values(inputs), attrs.returnSequences ? [0, T, U] : [0, U]);
      return attrs.returnState
        ? [output, emptyResult(Object.values(inputs), [0, U]), emptyResult(Object.values(inputs), [0, U])]
        : output;
    }
    if (!hasKernels([LSTM, LSTM_GRAD])) {
      const { output, h, c } = stockLSTM(inputs.x, inputs.kernel, inputs.recurrentKernel, inputs.bias ?? null, {
        ...attrs,
        initialState: inputs.initialState ?? null,
        initialCellState: inputs.initialCellState ?? null,
      });
      return attrs.returnState ? [output, h, c] : output;
    }
    return unpack(fusedLSTM(inputs, attrs, packing), packing);
  });
}

interface LSTMInputs {
  x: tf.Tensor;
  kernel: tf.Tensor;
  recurrentKernel: tf.Tensor;
  bias?: tf.Tensor;
  initialState?: tf.Tensor;
  initialCellState?: tf.Tensor;
}

function fusedLSTM(inputs: LSTMInputs, attrs: LSTMAttrs, packing: Packing): tf.Tensor {
  const names = Object.keys(inputs) as (keyof LSTMInputs)[];
  const named = (tensors: tf.Tensor[]) =>
    Object.fromEntries(names.map((name, i) => [name, tensors[i]!])) as unknown as LSTMInputs;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const tensors = args as tf.Tensor[];
    const [h, c, gates, ...lasts] = tf.engine().runKernel(LSTM, { ...named(tensors) }, { ...attrs }) as tf.Tensor[];
    const output = attrs.returnSequences ? h! : lasts.shift()!;
    save([...tensors, h!, c!, gates!]);
    return {
      value: pack(output, lasts[0] ?? null, packing),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const { bias: _, ...forward } = named(saved.slice(0, tensors.length));
        const [sh, sc, sg] = saved.slice(tensors.length);
        const { dOutput, dCellState } = unpackGradient(dy, packing);
        const gradInputs = {
          ...forward,
          h: sh!,
          c: sc!,
          gates: sg!,
          dy: dOutput,
          ...(dCellState ? { dcLast: dCellState } : {}),
        };
        return tf.engine().runKernel(LSTM_GRAD, gradInputs, { ...attrs }) as tf.Tensor[];
      },
    };
  });
  return op(...Object.values(inputs));
}
