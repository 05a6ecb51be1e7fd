/**
 * ops.simpleRNN: the fused SimpleRNN as a differentiable tfjs op.
 *
 *   h_s = activation(x_t(s) · kernel + h_{s-1} · recurrentKernel + bias),  t(s) = goBackwards ? T-1-s : s
 *
 * Returns every state [B, T, U] (returnSequences) or the last [B, U]. On the backends our kernels
 * exist for (webgpu, cpu) it runs them, registering them on first use, with a custom gradient that
 * runs the backward kernel once per backward pass for every input; elsewhere it runs the same
 * computation as stock tfjs ops.
 *
 * As stock tfjs ops do, int32 and bool tensors are cast to float32; a batch of 0 gives an empty
 * result (and zero gradients).
 *
 * tf.customGrad rather than registerGradient, as tfjs's own fused ops do: the inputs are optional
 * (bias, initial state), which inputsToSave cannot express, and one gradFunc returns every input's
 * gradient. It saves h and z, which tfjs disposes after backprop (and never keeps when no tape
 * records); tfjs's test-mode leak check (IS_TEST) counts such saved intermediates as a leak.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveActivation, type Activation } from '../kernels/activation.js';
import { hasKernels } from './fused-kernels.js';
import { SIMPLE_RNN, SIMPLE_RNN_GRAD, type SimpleRNNAttrs } from './kernel-names.js';
import { emptyResult, opArguments, toFloat32 } from './op-arguments.js';
import { stockSimpleRNN } from './stock-simple-rnn.js';

export interface SimpleRNNOpOptions {
  /** Default 'tanh', as tf.layers.simpleRNN. */
  readonly activation?: Activation;
  /** Return every state [B, T, U] instead of the last [B, U]. Default false. */
  readonly returnSequences?: boolean;
  /** Consume the sequence last step first; states come out in consumption order. Default false. */
  readonly goBackwards?: boolean;
  /** [B, U]; default zeros. */
  readonly initialState?: tf.Tensor | null;
}

const OPTIONS = ['activation', 'returnSequences', 'goBackwards', 'initialState'] as const;

export function simpleRNN(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options?: SimpleRNNOpOptions,
): tf.Tensor {
  const check = opArguments('simpleRNN');
  check.tensor('x', x, ['batch', 'timesteps', 'features'], '[batch, timesteps, features]; batch may be 0', 0);
  const [B, T, F] = x.shape as [number, number, number];
  check.tensor('kernel', kernel, [F, 'units'], 'features must match x');
  const U = kernel.shape[1]!;
  check.tensor('recurrentKernel', recurrentKernel, [U, U], 'units × units');
  if (bias != null) check.tensor('bias', bias, [U], 'units; or null for none');
  const given = check.options<SimpleRNNOpOptions>(options, OPTIONS);
  const initialState = given.initialState ?? null;
  if (initialState != null) check.tensor('initialState', initialState, [B, U], 'batch × units', 0);
  const attrs: SimpleRNNAttrs = {
    activation: resolveActivation(given.activation, 'ops.simpleRNN: options.activation'),
    goBackwards: check.flag('goBackwards', given.goBackwards),
    returnSequences: check.flag('returnSequences', given.returnSequences),
    useBias: bias != null,
  };
  return tf.tidy(() => {
    const args = [x, kernel, recurrentKernel, bias, initialState]
      .filter((t): t is tf.Tensor => t != null)
      .map(toFloat32);
    if (B === 0) return emptyResult(args, attrs.returnSequences ? [0, T, U] : [0, U]);
    return fusedSimpleRNN(args, attrs);
  });
}

/** inputs: x, kernel, recurrentKernel, then bias and initialState where attrs and the count say. */
function fusedSimpleRNN(inputs: tf.Tensor[], attrs: SimpleRNNAttrs): tf.Tensor {
  const [x, kernel, recurrentKernel] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
  const bias = attrs.useBias ? inputs[3]! : null;
  const initialState = inputs[attrs.useBias ? 4 : 3] ?? null;
  if (!hasKernels([SIMPLE_RNN, SIMPLE_RNN_GRAD]))
    return stockSimpleRNN(x, kernel, recurrentKernel, bias, { ...attrs, initialState });

  const named = (tensors: tf.Tensor[]) => {
    const [tx, tk, tr, ...rest] = tensors;
    return {
      x: tx!,
      kernel: tk!,
      recurrentKernel: tr!,
      ...(bias ? { bias: rest.shift()! } : {}),
      ...(initialState ? { initialState: rest.shift()! } : {}),
    };
  };
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const tensors = args as tf.Tensor[];
    const outputs = tf.engine().runKernel(SIMPLE_RNN, named(tensors), attrs) as tf.Tensor[];
    const [value, h, z] = attrs.returnSequences
      ? [outputs[0]!, outputs[0]!, outputs[1]!]
      : (outputs as [tf.Tensor, tf.Tensor, tf.Tensor]);
    save([...tensors, h, z]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const savedInputs = named(saved.slice(0, tensors.length));
        const [sh, sz] = saved.slice(tensors.length);
        const gradInputs = {
          x: savedInputs.x,
          kernel: savedInputs.kernel,
          recurrentKernel: savedInputs.recurrentKernel,
          ...(savedInputs.initialState ? { initialState: savedInputs.initialState } : {}),
          h: sh!,
          z: sz!,
          dy,
        };
        return tf.engine().runKernel(SIMPLE_RNN_GRAD, gradInputs, attrs) as tf.Tensor[];
      },
    };
  });
  return fused(...inputs);
}
