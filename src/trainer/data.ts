/** Training data as the trainer takes it: nested arrays, or Float32Arrays with their shapes. */
import { describeValue } from '../describe-value.js';

export type Matrix3 = number[][][];
export type Matrix2 = number[][];

/** A Float32Array holding a tensor of `shape`, row-major. */
export interface ShapedData {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Flattens `value` to float32 after checking it is [n, ...inner] (n free unless given). */
export function toFloat32(argument: string, value: unknown, inner: readonly number[], samples?: number): { data: Float32Array; samples: number } {
  const expected = `[${samples ?? 'samples'}, ${inner.join(', ')}]`;
  if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
    const { data, shape } = value as ShapedData;
    if (!(data instanceof Float32Array)) throw new TypeError(`${argument}.data: expected a Float32Array; got ${describeValue(data)}`);
    if (!Array.isArray(shape) || shape.length !== inner.length + 1 || shape.slice(1).some((d, i) => d !== inner[i]) || (samples !== undefined && shape[0] !== samples)) {
      throw new RangeError(`${argument}.shape: expected ${expected}; got ${JSON.stringify(shape)}`);
    }
    const n = shape[0]!;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${argument}.shape: expected at least one sample; got ${JSON.stringify(shape)}`);
    if (data.length !== n * inner.reduce((a, b) => a * b, 1)) {
      throw new RangeError(`${argument}.data: ${data.length} values do not fill shape ${JSON.stringify(shape)}`);
    }
    return { data, samples: n };
  }
  if (!Array.isArray(value)) throw new TypeError(`${argument}: expected nested arrays ${expected} or { data: Float32Array, shape }; got ${describeValue(value)}`);
  if (value.length === 0) throw new RangeError(`${argument}: expected at least one sample; got an empty array`);
  if (samples !== undefined && value.length !== samples) throw new RangeError(`${argument}: expected ${samples} samples (as x); got ${value.length}`);
  const flat: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === inner.length) {
      if (typeof node !== 'number' || !Number.isFinite(node)) throw new TypeError(`${argument}${path}: expected a finite number; got ${describeValue(node)}`);
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== inner[depth]) {
      throw new RangeError(`${argument}${path}: expected ${inner[depth]} entries (shape ${expected}); got ${Array.isArray(node) ? node.length : describeValue(node)}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  value.forEach((sample, i) => walk(sample, 0, `[${i}]`));
  return { data: Float32Array.from(flat), samples: value.length };
}
