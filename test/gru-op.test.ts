import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gru } from '../src/model/ops.js';
import { GRU, GRU_GRAD } from '../src/model/kernel-names.js';
import { DROPOUT_MASK, MASK, outputsAndGradients, RECURRENT_DROPOUT_MASK } from './helpers/op-backends.js';
import { kernelFreeBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Fused kernels against the stock-op fallback, relative to each output's largest magnitude: the cpu
// kernels compute in float64, the webgpu kernels in float32 in another order.
const TOLERANCE = { cpu: 1e-5, webgpu: 1e-4 };

describe('ops.gru', () => {
  beforeAll(tfjsWebGPU);
  afterAll(() => tf.setBackend('webgpu'));

  it('names the argument and what it expected on bad input, allocating nothing', () => {
    const [x, k, r, b] = [tf.ones([2, 3, 4]), tf.ones([4, 15]), tf.ones([5, 15]), tf.ones([15])];
    const bad = { k10: tf.ones([4, 10]), r20: tf.ones([5, 20]), b2: tf.ones([2, 15]), h3: tf.ones([3, 5]) };
    const cases: [() => unknown, RegExp][] = [
      [
        () => gru(x, bad.k10, r, b),
        new RegExp(
          '^ops\\.gru: kernel: expected a float32 tensor of shape \\[4, 3·units\\] \\(features must match x;.*' +
            'got a float32 tensor of shape \\[4, 10\\]$',
        ),
      ],
      [
        () => gru(x, k, bad.r20, b),
        /^ops\.gru: recurrentKernel: expected a float32 tensor of shape \[5, 15\] \(units × 3·units/,
      ],
      [
        () => gru(x, k, r, bad.b2),
        new RegExp(
          '^ops\\.gru: bias: expected a float32 tensor of shape \\[15\\] \\(3·units; or null for none;.*' +
            'got a float32 tensor of shape \\[2, 15\\]$',
        ),
      ],
      [
        () => gru(x, k, r, b, { resetAfter: true }),
        new RegExp(
          '^ops\\.gru: bias: expected a float32 tensor of shape \\[2, 15\\] ' +
            '\\(two rows: the input row, then the recurrent row',
        ),
      ],
      [
        () => gru(x, k, r, b, { resetAfter: 'yes' as never }),
        /^ops\.gru: options\.resetAfter: expected a boolean; got "yes"$/,
      ],
      [
        () => gru(x, k, r, b, { initialState: bad.h3 }),
        /^ops\.gru: initialState: expected a float32 tensor of shape \[2, 5\]/,
      ],
      [() => gru(x, k, r, b, { initialCellState: bad.h3 } as never), /^ops\.gru: options: unknown "initialCellState"/],
      [() => gru(x, k, r, b, { activation: 'bogus' as never }), /^ops\.gru: options\.activation: expected one of/],
    ];
    const before = tf.memory().numTensors;
    for (const [call, message] of cases) expect(call).toThrow(message);
    expect(tf.memory().numTensors, 'nothing allocated on failure').toBe(before);
    tf.dispose([x, k, r, b, ...Object.values(bad)]);
  });

  it('returns [output, last h] with returnState, and empty results for a batch of 0', async () => {
    await tf.setBackend('webgpu');
    const [x, k, r] = [
      tf.randomNormal([2, 3, 1], 0, 1, 'float32', 1),
      tf.randomNormal([1, 6], 0, 0.5, 'float32', 2),
      tf.randomNormal([2, 6], 0, 0.5, 'float32', 3),
    ];
    const [sequence, h] = gru(x, k, r, null, { returnSequences: true, returnState: true });
    expect(await h.data()).toEqual(await tf.reshape(tf.slice(sequence, [0, 2, 0], [2, 1, 2]), [2, 2]).data());
    const empty = gru(tf.zeros([0, 3, 1]), k, r, null, { returnState: true, resetAfter: true });
    expect(empty.map((t) => t.shape)).toEqual([
      [0, 2],
      [0, 2],
    ]);
    tf.dispose([x, k, r, sequence, h, ...empty]);
  });

  it.each([
    {
      resetAfter: false,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      initialState: true,
      activation: 'elu',
      mask: false,
    },
    {
      resetAfter: true,
      returnSequences: true,
      returnState: false,
      goBackwards: false,
      initialState: true,
      activation: 'tanh',
      mask: false,
    },
    {
      resetAfter: true,
      returnSequences: false,
      returnState: true,
      goBackwards: true,
      initialState: false,
      activation: 'gelu',
      mask: false,
    },
    {
      resetAfter: true,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      initialState: true,
      mask: true,
      dropout: true,
    },
    {
      resetAfter: false,
      returnSequences: true,
      returnState: true,
      goBackwards: false,
      initialState: true,
      dropout: true,
    },
    {
      resetAfter: false,
      returnSequences: false,
      returnState: false,
      goBackwards: false,
      initialState: true,
      mask: true,
    },
  ] as const)(
    "runs as stock tfjs ops on a backend without our kernels, with the fused kernels' values and gradients: %o",
    async ({ initialState, ...row }) => {
      const { mask, dropout, ...options } = { mask: false, dropout: false, ...row };
      const inputs = () => [
        tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1),
        tf.randomNormal([2, 15], 0, 0.5, 'float32', 2),
        tf.randomNormal([5, 15], 0, 0.3, 'float32', 3),
        tf.randomNormal(options.resetAfter ? [2, 15] : [15], 0, 0.3, 'float32', 4),
        ...(initialState ? [tf.randomNormal([3, 5], 0, 1, 'float32', 5)] : []),
      ];
      // An int32 mask here, bool and float32 in lstm-op.test.ts.
      const op = (x: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor, h0?: tf.Tensor) =>
        tf.tidy(() =>
          gru(x, k, r, b, {
            ...options,
            initialState: h0 ?? null,
            mask: mask ? tf.tensor2d(MASK, [3, 4], 'int32') : null,
            dropoutMask: dropout ? tf.tensor2d(DROPOUT_MASK, [3, 2]) : null,
            recurrentDropoutMask: dropout ? tf.tensor2d(RECURRENT_DROPOUT_MASK, [3, 5]) : null,
          }),
        );
      const stock = await outputsAndGradients(kernelFreeBackend(), inputs, op as never, GRU);
      expect(stock.fused).toBe(false);
      for (const backend of ['cpu', 'webgpu'] as const) {
        const fused = await outputsAndGradients(backend, inputs, op as never, GRU);
        expect(fused.fused, backend).toBe(true);
        fused.data.forEach((values, i) =>
          expect(relativeError(values, stock.data[i]!), `${backend}: output or gradient ${i}`).toBeLessThan(
            TOLERANCE[backend],
          ),
        );
      }
    },
  );

  it('registers its kernels on first use', async () => {
    await tf.setBackend('webgpu');
    for (const backend of ['webgpu', 'cpu']) for (const name of [GRU, GRU_GRAD]) tf.unregisterKernel(name, backend);
    const x = tf.randomNormal([2, 3, 2]);
    const profile = await tf.profile(() =>
      tf.grad((input: tf.Tensor) => tf.sum(gru(input, tf.ones([2, 9]), tf.ones([3, 9]), null)))(x),
    );
    tf.dispose([x, profile.result as tf.Tensor]);
    expect(profile.kernelNames.filter((name) => name.startsWith('WebGPURNN_'))).toEqual([GRU, GRU_GRAD]);
  });
});
