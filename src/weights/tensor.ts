/**
 * A framework's tensor as convertWeights takes it: a plain object with its shape and its values in
 * row-major order (no tfjs, no protobuf), and the check that names what a wrong one should have been.
 */
import { describeValue } from '../describe-value.js';

export interface PlainTensor {
  /** e.g. [20, 3] for PyTorch's weight_ih_l0 of an nn.LSTM(3, 5). */
  readonly shape: readonly number[];
  /** shape's product of numbers, row-major: a Float32Array, a Float64Array, a number[]... */
  readonly data: ArrayLike<number>;
}

/** A dimension expected: a known size, or null for any (read from the tensor, then checked elsewhere). */
export type Dimension = number | null;

const formatShape = (shape: readonly unknown[]): string => `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;

/**
 * Checks `value` is a PlainTensor of the expected shape, `meaning` saying in the framework's terms what
 * the shape is (e.g. "[4·hidden_size, input_size]"); returns its shape and data.
 */
export function checkTensor(
  argument: string,
  value: unknown,
  expected: readonly Dimension[],
  meaning: string,
): { readonly shape: readonly number[]; readonly data: ArrayLike<number> } {
  const wanted = `expected ${formatShape(expected)} (${meaning})`;
  if (value === undefined) throw new TypeError(`${argument}: missing; ${wanted}`);
  if (typeof value !== 'object' || value === null || !('shape' in value) || !('data' in value))
    throw new TypeError(`${argument}: expected a tensor { shape, data }; got ${describeValue(value)}`);
  const { shape, data } = value as { shape: unknown; data: unknown };
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0))
    throw new TypeError(`${argument}.shape: expected an array of sizes; got ${describeValue(shape)}`);
  if (shape.length !== expected.length || shape.some((d, i) => expected[i] !== null && d !== expected[i]))
    throw new RangeError(`${argument}.shape: ${wanted}; got ${formatShape(shape)}`);
  if (shape.some((d) => d === 0))
    throw new RangeError(`${argument}.shape: expected no empty dimension; got ${formatShape(shape)}`);
  const typed = ArrayBuffer.isView(data) && !(data instanceof DataView);
  if (!typed && !Array.isArray(data))
    throw new TypeError(
      `${argument}.data: expected a Float32Array, a Float64Array or a number[]; got ${describeValue(data)}`,
    );
  const values = data as ArrayLike<unknown>;
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (values.length !== size)
    throw new RangeError(
      `${argument}.data: expected ${size} values (shape ${formatShape(shape)}); got ${values.length}`,
    );
  // A typed array holds one kind of value (a BigInt64Array's are bigints): its first says which.
  const notNumber = (typed ? [values[0]] : Array.from(values)).findIndex((v) => typeof v !== 'number');
  if (notNumber >= 0)
    throw new TypeError(`${argument}.data[${notNumber}]: expected a number; got ${describeValue(values[notNumber])}`);
  return { shape: shape as number[], data: values as ArrayLike<number> };
}
