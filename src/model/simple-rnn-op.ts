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
import { describeValue } from '../describe-value.js';
import { resolveActivation, type Activation } from '../kernels/activation.js';
import { registerFusedKernels } from './fused-kernels.js';
import { SIMPLE_RNN, SIMPLE_RNN_GRAD, type SimpleRNNAttrs } from './kernel-names.js';
import { stockSimpleRNN } from './stock-simple-rnn.js';
import { storedDtype } from './tfjs-webgpu-adapter.js';

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
/** Cast to float32, as stock tfjs ops cast mixed inputs. */
const CASTABLE = new Set(['float32', 'int32', 'bool']);

function describe(value: unknown): string {
  if (!(value instanceof tf.Tensor)) return describeValue(value);
  return value.isDisposed ? 'a disposed tensor' : `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
}

/** Checks a tensor argument; `emptyDim` is the one dimension that may be 0 (the batch of x). */
function checkTensor(name: string, value: unknown, shape: (number | string)[], meaning: string, emptyDim = -1): tf.Tensor {
  const fail = () => {
    throw new TypeError(`ops.simpleRNN: ${name}: expected a float32 tensor of shape [${shape.join(', ')}] (${meaning}; int32 and bool are cast); got ${describe(value)}`);
  };
  if (!(value instanceof tf.Tensor) || value.isDisposed || !CASTABLE.has(value.dtype) || value.rank !== shape.length) return fail();
  const tensor: tf.Tensor = value;
  tensor.shape.forEach((dim, i) => {
    const want = shape[i]!;
    if ((dim === 0 && i !== emptyDim) || (typeof want === 'number' && dim !== want)) fail();
  });
  return tensor;
}

function checkFlag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`ops.simpleRNN: options.${name}: expected a boolean; got ${describeValue(value)}`);
  return value;
}

function checkOptions(options: unknown): SimpleRNNOpOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`ops.simpleRNN: options: expected an object (${OPTIONS.join(', ')}) or nothing; got ${describeValue(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => !(OPTIONS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new TypeError(`ops.simpleRNN: options: unknown ${unknown.map((key) => JSON.stringify(key)).join(', ')}; expected only ${OPTIONS.join(', ')}`);
  }
  return options;
}

/**
 * The tensor with float32 data. tf.cast would not do: from int32 or bool it relabels the same data
 * (and the webgpu backend keeps it as int32, which our kernels would read as float bits), so a
 * multiplication by 1 writes the values as float32.
 */
function toFloat32(tensor: tf.Tensor): tf.Tensor {
  if (tensor.dtype === 'float32' && storedDtype(tf.backend(), tensor) === 'float32') return tensor;
  return tf.mul(tensor, tf.scalar(1, 'float32'));
}

/** The result for a batch of 0, as stock tfjs gives it: empty, with zero gradients for every input. */
function emptyResult(inputs: tf.Tensor[], shape: number[]): tf.Tensor {
  const empty = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, -1) as tf.Tensor[];
    return { value: tf.zeros(shape), gradFunc: () => tensors.map((t) => tf.zerosLike(t)) };
  });
  return empty(...inputs);
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
  options?: SimpleRNNOpOptions,
): tf.Tensor {
  checkTensor('x', x, ['batch', 'timesteps', 'features'], '[batch, timesteps, features]; batch may be 0', 0);
  const [B, T, F] = x.shape as [number, number, number];
  checkTensor('kernel', kernel, [F, 'units'], 'features must match x');
  const U = kernel.shape[1]!;
  checkTensor('recurrentKernel', recurrentKernel, [U, U], 'units × units');
  if (bias != null) checkTensor('bias', bias, [U], 'units; or null for none');
  const given = checkOptions(options);
  const initialState = given.initialState ?? null;
  if (initialState != null) checkTensor('initialState', initialState, [B, U], 'batch × units', 0);
  const attrs: SimpleRNNAttrs = {
    activation: resolveActivation(given.activation, 'ops.simpleRNN: options.activation'),
    goBackwards: checkFlag('goBackwards', given.goBackwards),
    returnSequences: checkFlag('returnSequences', given.returnSequences),
    useBias: bias != null,
  };
  return tf.tidy(() => {
    const args = [x, kernel, recurrentKernel, bias, initialState].filter((t): t is tf.Tensor => t != null).map(toFloat32);
    if (B === 0) return emptyResult(args, attrs.returnSequences ? [0, T, U] : [0, U]);
    return fusedSimpleRNN(args, attrs);
  });
}

/** inputs: x, kernel, recurrentKernel, then bias and initialState where attrs and the count say. */
function fusedSimpleRNN(inputs: tf.Tensor[], attrs: SimpleRNNAttrs): tf.Tensor {
  const [x, kernel, recurrentKernel] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
  const bias = attrs.useBias ? inputs[3]! : null;
  const initialState = inputs[attrs.useBias ? 4 : 3] ?? null;
  if (!hasFusedKernels()) return stockSimpleRNN(x, kernel, recurrentKernel, bias, { ...attrs, initialState });

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
