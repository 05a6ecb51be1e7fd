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

/** Integer ids with their shape, row-major. */
export interface ShapedIds {
  readonly data: Int32Array | Float32Array;
  readonly shape: readonly number[];
}

/**
 * Class ids, as sparse categorical cross-entropy takes them: [samples] numbers (under returnSequences
 * [samples][timesteps]), or typed with that shape.
 */
export type ClassIds = readonly number[] | readonly (readonly number[])[] | ShapedIds;

/** An Embedding's input: token ids [samples][timesteps], or typed with that shape. */
export type TokenIds = readonly (readonly number[])[] | ShapedIds;

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
 * Integer ids (token ids, class ids) of shape [samples, ...inner], each in [0, bound), as float32 (exact:
 * bounds stay at most 2²⁴); `what` names one in errors ('a token id').
 */
function toIds(
  argument: string,
  value: unknown,
  inner: readonly number[],
  bound: number,
  what: string,
  samples?: number,
): { data: Float32Array; samples: number } {
  const expected = `[${[samples ?? 'samples', ...inner].join(', ')}]`;
  const flat = isShaped(value)
    ? fromShaped(argument, value, inner, expected, samples, true)
    : fromNested(argument, value, inner, expected, samples);
  const { values, locate } = flat;
  for (let i = 0; i < values.length; i++) {
    const id = values[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= bound)
      throw new RangeError(`${locate(i)}: expected ${what}, an integer in [0, ${bound}); got ${id}`);
  }
  return { data: Float32Array.from(values), samples: flat.samples };
}

/** x as token ids [samples, timesteps], each in [0, inputDim): nested numbers, or an Int32Array with its shape. */
export function toTokens(
  argument: string,
  value: unknown,
  timesteps: number,
  inputDim: number,
): { data: Float32Array; samples: number } {
  return toIds(argument, value, [timesteps], inputDim, 'a token id');
}

/**
 * y as the loss takes it, flattened to float32 and checked: [samples, outputs] finite targets, or for
 * sparse categorical cross-entropy a class id per sample, each an integer in [0, outputs); with the
 * head on every step (`steps`, the timesteps), [samples, steps, outputs] or [samples, steps]. The wrong
 * form for the loss is refused, naming the loss that takes it.
 */
export function toTargets(
  argument: string,
  value: unknown,
  loss: Loss,
  outputs: number,
  samples: number,
  steps: number | null = null,
): { data: Float32Array; samples: number } {
  const perStep = steps === null ? [] : [steps];
  const sample = (inner: readonly number[]) => `[samples]${[...perStep, ...inner].map((d) => `[${d}]`).join('')}`;
  const nested = Array.isArray(value) && value.length > 0;
  // How deep the first sample's arrays go: 0 for a number.
  let depth = 0;
  for (let node: unknown = nested ? value[0] : undefined; Array.isArray(node); node = node[0]) depth++;
  if (loss !== 'sparseCategoricalCrossentropy') {
    if (nested && depth === perStep.length)
      throw new TypeError(
        `${argument}: loss '${loss}' takes targets ${sample([outputs])}; got ${sample([])} ` +
          `(class ids go with loss 'sparseCategoricalCrossentropy')`,
      );
    return toFloat32(argument, value, [...perStep, outputs], samples);
  }
  if (nested && depth > perStep.length)
    throw new TypeError(
      `${argument}: loss 'sparseCategoricalCrossentropy' takes class ids ${sample([])}, each an integer in ` +
        `[0, ${outputs}); got deeper arrays (targets ${sample([outputs])} go with 'categoricalCrossentropy')`,
    );
  return toIds(argument, value, perStep, outputs, 'a class id', samples);
}
