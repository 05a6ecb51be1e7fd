/**
 * What every recurrent op (ops.simpleRNN, ops.lstm, ops.gru) does with its arguments before it runs:
 * checks naming the op and the argument, stock tfjs's casts (int32 and bool to float32), and its
 * empty result for a batch of 0.
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { storedDtype } from './tfjs-webgpu-adapter.js';

/** Cast to float32, as stock tfjs ops cast mixed inputs. */
const CASTABLE = new Set(['float32', 'int32', 'bool']);

function describe(value: unknown): string {
  if (!(value instanceof tf.Tensor)) return describeValue(value);
  return value.isDisposed ? 'a disposed tensor' : `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
}

const float32 = (shape: (number | string)[], meaning: string) =>
  `a float32 tensor of shape [${shape.join(', ')}] (${meaning}; int32 and bool are cast)`;

/** Checks one op's arguments; every error starts with `ops.NAME:`. */
export function opArguments(op: string) {
  const fail = (name: string, value: unknown, shape: (number | string)[], meaning: string, kind?: string): never => {
    const expected = kind ? `${kind} of shape [${shape.join(', ')}] (${meaning})` : float32(shape, meaning);
    throw new TypeError(`ops.${op}: ${name}: expected ${expected}; got ${describe(value)}`);
  };
  /**
   * A tensor of `shape` (numbers are exact, names free); `emptyDim` is the one dimension that may be 0
   * (the batch of x).
   */
  const tensor = (
    name: string,
    value: unknown,
    shape: (number | string)[],
    meaning: string,
    emptyDim = -1,
    kind?: string,
  ): tf.Tensor => {
    const refuse = () => fail(name, value, shape, meaning, kind);
    if (!(value instanceof tf.Tensor) || value.isDisposed || !CASTABLE.has(value.dtype) || value.rank !== shape.length)
      return refuse();
    const t: tf.Tensor = value;
    t.shape.forEach((dim, i) => {
      const want = shape[i]!;
      if ((dim === 0 && i !== emptyDim) || (typeof want === 'number' && dim !== want)) refuse();
    });
    return t;
  };
  return {
    tensor,

    /** Keras's mask [batch, timesteps], read as it is (0 drops a step). */
    mask(value: unknown, batch: number, timesteps: number): tf.Tensor {
      const meaning = "batch × timesteps, Keras's mask: 0 drops a step";
      return tensor('mask', value, [batch, timesteps], meaning, 0, 'a bool, int32 or float32 tensor');
    },

    /** A weight of shape [rows, gates·units]; returns units. */
    gateColumns(name: string, value: unknown, rows: number, gates: number, meaning: string): number {
      const shape = [rows, gates === 1 ? 'units' : `${gates}·units`];
      const columns = tensor(name, value, shape, meaning).shape[1]!;
      if (columns % gates !== 0) fail(name, value, shape, meaning);
      return columns / gates;
    },

    flag(name: string, value: unknown): boolean {
      if (value === undefined) return false;
      if (typeof value !== 'boolean')
        throw new TypeError(`ops.${op}: options.${name}: expected a boolean; got ${describeValue(value)}`);
      return value;
    },

    /** The options object, or {} for none; an unknown key is refused (a misspelt option is not ignored). */
    options<T extends object>(options: unknown, known: readonly string[]): Partial<T> {
      if (options === undefined) return {};
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        throw new TypeError(
          `ops.${op}: options: expected an object (${known.join(', ')}) or nothing; got ${describeValue(options)}`,
        );
      }
      const unknown = Object.keys(options).filter((key) => !known.includes(key));
      if (unknown.length > 0) {
        throw new TypeError(
          `ops.${op}: options: unknown ${unknown.map((key) => JSON.stringify(key)).join(', ')}; ` +
            `expected only ${known.join(', ')}`,
        );
      }
      return options as Partial<T>;
    },
  };
}

/**
 * The tensor with float32 data. tf.cast would not do: from int32 or bool it relabels the same data
 * (and the webgpu backend keeps it as int32, which our kernels would read as float bits), so a
 * multiplication by 1 writes the values as float32.
 */
export function toFloat32(tensor: tf.Tensor): tf.Tensor {
  if (tensor.dtype === 'float32' && storedDtype(tf.backend(), tensor) === 'float32') return tensor;
  return tf.mul(tensor, tf.scalar(1, 'float32'));
}

/** The result for a batch of 0, as stock tfjs gives it: empty, with zero gradients for every input. */
export function emptyResult(inputs: tf.Tensor[], shape: number[]): tf.Tensor {
  const empty = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, -1) as tf.Tensor[];
    return { value: tf.zeros(shape), gradFunc: () => tensors.map((t) => tf.zerosLike(t)) };
  });
  return empty(...inputs);
}
