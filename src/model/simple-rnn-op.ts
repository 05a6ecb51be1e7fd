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
 * tf.customGrad rather than registerGradient, as tfjs's own fused ops do: the inputs are optional
 * (bias, initial state), which inputsToSave cannot express, and one gradFunc returns every input's
 * gradient. It saves h and z, which tfjs disposes after backprop (and never keeps when no tape
 * records); tfjs's test-mode leak check (IS_TEST) counts such saved intermediates as a leak.
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { resolveActivation, type Activation } from '../kernels/activation.js';
import { registerFusedKernels } from './fused-kernels.js';
import { SIMPLE_RNN, SIMPLE_RNN_GRAD, type SimpleRNNAttrs } from './kernel-names.js';
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

function describe(value: unknown): string {
  return value instanceof tf.Tensor ? `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]` : describeValue(value);
}

function checkTensor(name: string, value: unknown, shape: (number | string)[], meaning: string): tf.Tensor {
  const fail = () => {
    throw new TypeError(`ops.simpleRNN: ${name}: expected a float32 tensor of shape [${shape.join(', ')}] (${meaning}); got ${describe(value)}`);
  };
  if (!(value instanceof tf.Tensor) || value.dtype !== 'float32' || value.rank !== shape.length) return fail();
  const tensor: tf.Tensor = value;
  tensor.shape.forEach((dim, i) => {
    const want = shape[i]!;
    if (dim === 0 || (typeof want === 'number' && dim !== want)) fail();
  });
  return tensor;
}

/** Whether ops.simpleRNN runs our kernels on this backend (else stock ops). Registers them if needed. */
export function hasFusedKernels(backendName = tf.getBackend()): boolean {
  registerFusedKernels();
  return tf.getKernel(SIMPLE_RNN, backendName) != null && tf.getKernel(SIMPLE_RNN_GRAD, backendName) != null;
}

export function simpleRNN(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: SimpleRNNOpOptions = {},
): tf.Tensor {
  checkTensor('x', x, ['batch', 'timesteps', 'features'], '[batch, timesteps, features]');
  const [B, , F] = x.shape as [number, number, number];
  checkTensor('kernel', kernel, [F, 'units'], 'features must match x');
  const U = kernel.shape[1]!;
  checkTensor('recurrentKernel', recurrentKernel, [U, U], 'units × units');
  if (bias != null) checkTensor('bias', bias, [U], 'units');
  const initialState = options.initialState ?? null;
  if (initialState != null) checkTensor('initialState', initialState, [B, U], 'batch × units');
  const attrs: SimpleRNNAttrs = {
    activation: resolveActivation(options.activation, 'ops.simpleRNN: activation'),
    goBackwards: options.goBackwards ?? false,
    returnSequences: options.returnSequences ?? false,
    useBias: bias != null,
  };
  if (!hasFusedKernels()) return stockSimpleRNN(x, kernel, recurrentKernel, bias, { ...attrs, initialState });

  const inputs = [x, kernel, recurrentKernel, bias, initialState].filter((t): t is tf.Tensor => t != null);
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
    const [value, h, z] = attrs.returnSequences ? [outputs[0]!, outputs[0]!, outputs[1]!] : (outputs as [tf.Tensor, tf.Tensor, tf.Tensor]);
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
