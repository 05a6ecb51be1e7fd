import { describe, expect, it } from 'vitest';
import {
  describeDropoutMask,
  dropoutScale,
  encodeDropoutMask,
  type DropoutMaskOptions,
} from '../src/kernels/dropout-mask.js';
import { dropoutMaskRef } from '../src/kernels/dropout-mask.ref.js';
import { deviceTraits, WORKGROUP_ORDERS } from '../src/kernels/strategy.js';
import { runKernel } from './helpers/run-kernel.js';
import { bytes } from './helpers/trainer-data.js';
import { getDevice, readBuffers, trackBuffers, withErrorScopes } from './helpers/webgpu.js';

// The generator's masks are integer hashes: the kernel must give the reference's bits exactly, under
// every workgroup order and size, on every adapter.

const cases: DropoutMaskOptions[] = [
  { rows: 1, columns: 1, rate: 0.5, seed: 0 },
  { rows: 5, columns: 3, rate: 0.2, seed: 1 },
  { rows: 33, columns: 257, rate: 0.5, seed: 4_294_967_295 },
  { rows: 64, columns: 50, rate: 0.9, seed: -7 },
  { rows: 7, columns: 11, rate: 0, seed: 12 },
  { rows: 3, columns: 1000, rate: 1 / 3, seed: 2 ** 40 + 5 },
];

describe('dropout-mask kernel', async () => {
  const device = await getDevice();
  const traits = deviceTraits(device);

  it.each(cases)('[$rows, $columns] rate $rate seed $seed: the reference bit for bit', async (c) => {
    const expected = dropoutMaskRef(c.rows, c.columns, c.rate, c.seed);
    const runs = WORKGROUP_ORDERS.flatMap((workgroupOrder) =>
      [64, 1, 5].map((size) => describeDropoutMask(c, { workgroupOrder }, traits, size)),
    );
    for (const run of runs) {
      const { mask } = await runKernel(device, run, { mask: c.rows * c.columns });
      expect(bytes(mask!).equals(bytes(expected)), JSON.stringify(run.constants)).toBe(true);
    }
  });

  it('draws as tf.dropout: 0 or fround(1 / fround(1 − rate)), a fraction rate dropped, seeds independent', () => {
    const [rows, columns] = [200, 500];
    const n = rows * columns;
    for (const rate of [0.1, 0.25, 0.5, 0.8]) {
      const a = dropoutMaskRef(rows, columns, rate, 1);
      const b = dropoutMaskRef(rows, columns, rate, 2);
      const scale = dropoutScale(rate);
      expect(scale).toBe(Math.fround(1 / Math.fround(1 - rate)));
      expect(a.every((v) => v === 0 || v === scale)).toBe(true);
      // Binomial: 5 standard deviations.
      const sigma = Math.sqrt(n * rate * (1 - rate));
      const dropped = a.filter((v) => v === 0).length;
      expect(Math.abs(dropped - n * rate)).toBeLessThan(5 * sigma);
      // Another seed agrees with this one as two independent draws do: P(same) = rate² + (1 − rate)².
      const same = a.filter((v, i) => v === b[i]).length;
      const p = rate ** 2 + (1 - rate) ** 2;
      expect(Math.abs(same - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
      // Neither rows nor columns repeat one another's pattern.
      const row = (m: Float32Array, r: number) => bytes(m.subarray(r * columns, (r + 1) * columns));
      expect(row(a, 0).equals(row(a, 1))).toBe(false);
    }
  });

  it('encodeDropoutMask records the mask into a buffer of its own or the one given', async () => {
    const options = { rows: 5, columns: 7, rate: 0.3, seed: 9 };
    const output = device.createBuffer({ size: 35 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const [own, given] = await withErrorScopes(device, async () => {
      const encoder = device.createCommandEncoder();
      const allocated = encodeDropoutMask(device, encoder, options);
      expect(encodeDropoutMask(device, encoder, options, output)).toBe(output);
      device.queue.submit([encoder.finish()]);
      const values = await readBuffers(device, [allocated, output]);
      allocated.destroy();
      return values;
    });
    output.destroy();
    const expected = dropoutMaskRef(5, 7, 0.3, 9);
    expect(bytes(own!).equals(bytes(expected))).toBe(true);
    expect(bytes(given!).equals(bytes(expected))).toBe(true);
  });

  it('refuses bad input by name, before anything is allocated or recorded', async () => {
    const good = { rows: 2, columns: 3, rate: 0.5, seed: 1 };
    const small = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    const bad: [string, unknown, RegExp, GPUBuffer?][] = [
      ['a rate of 1', { ...good, rate: 1 }, /options\.rate: expected a number in \[0, 1\); got 1/],
      ['a negative rate', { ...good, rate: -0.1 }, /options\.rate: expected a number in \[0, 1\); got -0\.1/],
      ['a NaN rate', { ...good, rate: NaN }, /options\.rate: expected a number in \[0, 1\); got NaN/],
      ['no rows', { ...good, rows: 0 }, /options\.rows: expected a positive integer; got 0/],
      ['a fractional seed', { ...good, seed: 1.5 }, /options\.seed: expected an integer; got 1\.5/],
      ['no options', null, /options: expected \{ rows, columns, rate, seed \}; got null/],
      ['a small output', good, /output: the buffer has 16 bytes; the mask \[2, 3\] float32 needs 24/, small],
    ];
    const encoder = device.createCommandEncoder();
    for (const [what, options, message, output] of bad) {
      const { created } = await trackBuffers(device, () => {
        expect(() => encodeDropoutMask(device, encoder, options as DropoutMaskOptions, output), what).toThrow(message);
      });
      expect(created, what).toBe(0);
    }
    small.destroy();
  });
});
