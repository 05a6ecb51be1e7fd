/**
 * Training data as the trainer takes it: nested arrays, or Float32Arrays with their shapes. Both go
 * through one path: the shape is checked, the values flattened, and every value checked finite in
 * float32 (NaN and ±Infinity are refused, naming the index, rather than trained on).
 */
import { describeValue } from '../describe-value.js';
import type { Loss } from '../kernels/trainer-loss.js';

export type Matrix3 = number[][][];
export type Matrix2 = number[][];

/** A Float32Array holding a tensor of `shape`, row-major. */
export interface ShapedData {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Class ids, as sparse categorical cross-entropy takes them: [samples] numbers, or typed with shape [samples]. */
export type ClassIds =
  readonly number[] | { readonly data: Int32Array | Float32Array; readonly shape: readonly number[] };

interface Flat {
  /** Row-major values: the caller's own typed array, or the numbers read from nested arrays. */
  readonly values: Float32Array | Int32Array | number[];
  readonly samples: number;
  /** Names element i of the flat values as the caller wrote it. */
  readonly locate: (i: number) => string;
}

const isShaped = (value: unknown): value is ShapedData =>
  value !== null && typeof value === 'object' && 'data' in value && 'shape' in value;

/** `[i0][i1]...` of flat index `i` in a row-major `shape`. */
function indexOf(i: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return index.map((k) => `[${k}]`).join('');
}

function fromShaped(
  argument: string,
  { data, shape }: { readonly data: Float32Array | Int32Array; readonly shape: readonly number[] },
  inner: readonly number[],
  expected: string,
  samples?: number,
  ints = false,
): Flat {
  if (!(data instanceof Float32Array || (ints && (data as unknown) instanceof Int32Array)))
    throw new TypeError(
      `${argument}.data: expected ${ints ? 'an Int32Array or ' : ''}a Float32Array; got ${describeValue(data)}`,
    );
  if (
    !Array.isArray(shape) ||
    shape.length !== inner.length + 1 ||
    shape.slice(1).some((d, i) => d !== inner[i]) ||
    (samples !== undefined && shape[0] !== samples)
  ) {
    throw new RangeError(
      `${argument}.shape: expected ${expected}; ` +
        `got ${Array.isArray(shape) ? JSON.stringify(shape) : describeValue(shape)}`,
    );
  }
  const n = shape[0]!;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${argument}.shape: expected at least one sample; got ${JSON.stringify(shape)}`);
  if (data.length !== n * inner.reduce((a, b) => a * b, 1)) {
    throw new RangeError(`${argument}.data: ${data.length} values do not fill shape ${JSON.stringify(shape)}`);
  }
  return { values: data, samples: n, locate: (i) => `${argument}.data[${i}] (${argument}${indexOf(i, shape)})` };
}

function fromNested(
  argument: string,
  value: unknown,
  inner: readonly number[],
  expected: string,
  samples?: number,
): Flat {
  if (!Array.isArray(value))
    throw new TypeError(
      `${argument}: expected nested arrays ${expected} or { data: Float32Array, shape }; got ${describeValue(value)}`,
    );
  if (value.length === 0) throw new RangeError(`${argument}: expected at least one sample; got an empty array`);
  if (samples !== undefined && value.length !== samples)
    throw new RangeError(`${argument}: expected ${samples} samples (as x); got ${value.length}`);
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === inner.length) {
      if (typeof node !== 'number')
        throw new TypeError(`${argument}${path}: expected a number; got ${describeValue(node)}`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== inner[depth]) {
      throw new RangeError(
        `${argument}${path}: expected ${inner[depth]} entries (shape ${expected}); ` +
          `got ${Array.isArray(node) ? node.length : describeValue(node)}`,
      );
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  value.forEach((sample, i) => walk(sample, 0, `[${i}]`));
  return { values, samples: value.length, locate: (i) => `${argument}${indexOf(i, [value.length, ...inner])}` };
}

function checkFinite({ values, locate }: Flat): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(Math.fround(v))) continue;
    const what = Number.isNaN(v)
      ? 'NaN'
      : Number.isFinite(v)
        ? `${v}, which is past float32's range (±3.4028235e38)`
        : String(v);
    throw new RangeError(`${locate(i)}: expected a finite number; got ${what}`);
  }
}

/** Flattens `value` to float32 after checking it is [n, ...inner] of finite numbers (n free unless given). */
export function toFloat32(
  argument: string,
  value: unknown,
  inner: readonly number[],
  samples?: number,
): { data: Float32Array; samples: number } {
  const expected = `[${samples ?? 'samples'}, ${inner.join(', ')}]`;
  const flat = isShaped(value)
    ? fromShaped(argument, value, inner, expected, samples)
    : fromNested(argument, value, inner, expected, samples);
  checkFinite(flat);
  return {
    data: flat.values instanceof Float32Array ? flat.values : Float32Array.from(flat.values),
    samples: flat.samples,
  };
}

/**
 * y as the loss takes it, flattened to float32 and checked: [samples, outputs] finite targets, or for
 * sparse categorical cross-entropy a class id per sample, each an integer in [0, outputs) (exact in
 * float32: ids stay below 2²⁴). The wrong form for the loss is refused, naming the loss that takes it.
 */
export function toTargets(
  argument: string,
  value: unknown,
  loss: Loss,
  outputs: number,
  samples: number,
): { data: Float32Array; samples: number } {
  const nested = Array.isArray(value) && value.length > 0;
  if (loss !== 'sparseCategoricalCrossentropy') {
    if (nested && typeof value[0] === 'number')
      throw new TypeError(
        `${argument}: loss '${loss}' takes targets [samples][${outputs}]; got a list of numbers ` +
          `(class ids [samples] go with loss 'sparseCategoricalCrossentropy')`,
      );
    return toFloat32(argument, value, [outputs], samples);
  }
  if (nested && Array.isArray(value[0]))
    throw new TypeError(
      `${argument}: loss 'sparseCategoricalCrossentropy' takes class ids [samples], an integer in [0, ${outputs}) ` +
        `per sample; got nested arrays (targets [samples][outputs] go with 'categoricalCrossentropy')`,
    );
  const expected = `[${samples}]`;
  const flat = isShaped(value)
    ? fromShaped(argument, value, [], expected, samples, true)
    : fromNested(argument, value, [], expected, samples);
  const { values, locate } = flat;
  for (let i = 0; i < values.length; i++) {
    const id = values[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= outputs)
      throw new RangeError(`${locate(i)}: expected a class id, an integer in [0, ${outputs}); got ${id}`);
  }
  return { data: Float32Array.from(values), samples: flat.samples };
}
