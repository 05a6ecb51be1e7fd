import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LSTM, LSTM_GRAD } from '../src/model/kernel-names.js';
import { lstm } from '../src/model/ops.js';
import { DROPOUT_MASK, MASK, outputsAndGradients, RECURRENT_DROPOUT_MASK } from './helpers/op-backends.js';
import { kernelFreeBackend, onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Fused kernels against the stock-op fallback, relative to each output's largest magnitude: the cpu
// kernels compute in float64, the webgpu kernels in float32 in another order.
const TOLERANCE = { cpu: 1e-5, webgpu: 1e-4 };

describe('ops.lstm', () => {
  beforeAll(tfjsWebGPU);
  afterAll(() => tf.setBackend('webgpu'));

  it('names the argument and what it expected on bad input, allocating nothing', () => {
    const [x, k, r, b] = [tf.ones([2, 3, 4]), tf.ones([4, 20]), tf.ones([5, 20]), tf.ones([20])];
    const bad = {
      x2: tf.ones([2, 4]),
      k10: tf.ones([4, 10]),
      k3: tf.ones([3, 20]),
      r15: tf.ones([5, 15]),
      b5: tf.ones([5]),
      h3: tf.ones([3, 5]),
      c4: tf.ones([2, 4]),
      mask23: tf.ones([2, 4], 'bool'),
      maskString: tf.fill([2, 3], 'a', 'string'),
    };
    const cases: [() => unknown, RegExp][] = [
      [
        () => lstm(bad.x2, k, r, b),
        new RegExp(
          '^ops\\.lstm: x: expected a float32 tensor of shape \\[batch, timesteps, features\\].*' +
            'got a float32 tensor of shape \\[2, 4\\]$',
        ),
      ],
      [
        () => lstm(x, bad.k10, r, b),
        new RegExp(
          '^ops\\.lstm: kernel: expected a float32 tensor of shape \\[4, 4·units\\] \\(features must match x;.*' +
            'got a float32 tensor of shape \\[4, 10\\]$',
        ),
      ],
      [() => lstm(x, bad.k3, r, b), /^ops\.lstm: kernel: expected a float32 tensor of shape \[4, 4·units\]/],
      [
        () => lstm(x, k, bad.r15, b),
        /^ops\.lstm: recurrentKernel: expected a float32 tensor of shape \[5, 20\] \(units × 4·units/,
      ],
      [() => lstm(x, k, r, bad.b5), /^ops\.lstm: bias: expected a float32 tensor of shape \[20\]/],
      [
        () => lstm(x, k, r, b, { initialState: bad.h3 }),
        /^ops\.lstm: initialState: expected a float32 tensor of shape \[2, 5\]/,
      ],
      [
        () => lstm(x, k, r, b, { initialCellState: bad.c4 }),
        /^ops\.lstm: initialCellState: expected a float32 tensor of shape \[2, 5\]/,
      ],
      [
        () => lstm(x, k, r, b, { returnStates: true } as never),
        new RegExp(
          '^ops\\.lstm: options: unknown "returnStates"; expected only activation, recurrentActivation, ' +
            'returnSequences, returnState, goBackwards, initialState, initialCellState, mask, dropoutMask, ' +
            'recurrentDropoutMask$',
        ),
      ],
      [
        () => lstm(x, k, r, b, { returnState: 1 as never }),
        /^ops\.lstm: options\.returnState: expected a boolean; got 1$/,
      ],
      [
        () => lstm(x, k, r, b, { recurrentActivation: 'softmax' as never }),
        /^ops\.lstm: options\.recurrentActivation: 'softmax' normalises across units/,
      ],
      [() => lstm(x, k, r, b, null as never), /^ops\.lstm: options: expected an object .* got null$/],
      [
        () => lstm(x, k, r, b, { mask: bad.mask23 }),
        new RegExp(
          '^ops\\.lstm: mask: expected a bool, int32 or float32 tensor of shape \\[2, 3\\] ' +
            "\\(batch × timesteps, Keras's mask: 0 drops a step\\); got a bool tensor of shape \\[2, 4\\]$",
        ),
      ],
      [() => lstm(x, k, r, b, { mask: bad.maskString }), /^ops\.lstm: mask: expected .*got a string tensor/],
      [
        () => lstm(x, k, r, b, { dropoutMask: bad.h3 }),
        /^ops\.lstm: dropoutMask: expected a float32 tensor of shape \[2, 4\] \(batch × features, a dropout mask;/,
      ],
      [
        () => lstm(x, k, r, b, { recurrentDropoutMask: bad.mask23 }),
        /^ops\.lstm: recurrentDropoutMask: expected a float32 tensor of shape \[2, 5\] \(batch × units, a dropout/,
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [call, message] of cases) expect(call).toThrow(message);
    expect(tf.memory().numTensors, 'nothing allocated on failure').toBe(before);
    tf.dispose([x, k, r, b, ...Object.values(bad)]);
  });

  it.each(['webgpu', 'cpu'] as const)(
    'returns [output, last h, last c] with returnState, as tf.layers.lstm does, ' +
      'and empty results for a batch of 0 (%s)',
    async (backend) => {
      await onBackend(backend, async () => {
        const [x, k, r] = [
          tf.randomNormal([2, 3, 1], 0, 1, 'float32', 1),
          tf.randomNormal([1, 8], 0, 0.5, 'float32', 2),
          tf.randomNormal([2, 8], 0, 0.5, 'float32', 3),
        ];
        const [sequence, h, c] = lstm(x, k, r, null, { returnSequences: true, returnState: true });
        const [last, h2, c2] = lstm(x, k, r, null, { returnState: true });
        expect([sequence, h, c].map((t) => t.shape)).toEqual([
          [2, 3, 2],
          [2, 2],
          [2, 2],
        ]);
        expect(await h.data()).toEqual(await tf.reshape(tf.slice(sequence, [0, 2, 0], [2, 1, 2]), [2, 2]).data());
        expect(await last!.data()).toEqual(await h.data());
        expect(await h2!.data()).toEqual(await h.data());
        expect(await c2!.data()).toEqual(await c.data());
        const empty = lstm(tf.zeros([0, 3, 1]), k, r, null, { returnSequences: true, returnState: true });
        expect(empty.map((t) => t.shape)).toEqual([
          [0, 3, 2],
          [0, 2],
          [0, 2],
        ]);
        tf.dispose([x, k, r, sequence, h, c, last, h2, c2, ...empty]);
      });
    },
  );

  it.each([
    {
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      initialStates: true,
      activation: 'selu',
      mask: null,
    },
    {
      returnSequences: false,
      returnState: true,
      goBackwards: false,
      initialStates: false,
      activation: 'tanh',
      mask: null,
    },
    {
      returnSequences: false,
      returnState: false,
      goBackwards: true,
      initialStates: true,
      activation: 'softsign',
      mask: null,
    },
    { returnSequences: true, returnState: true, goBackwards: true, initialStates: true, mask: 'bool' },
    { returnSequences: false, returnState: true, goBackwards: false, initialStates: false, mask: 'float32' },
    { returnSequences: true, returnState: true, goBackwards: false, initialStates: true, mask: null, dropout: true },
    {
      returnSequences: false,
      returnState: false,
      goBackwards: true,
      initialStates: false,
      mask: 'bool',
      dropout: true,
    },
  ] as const)(
    "runs as stock tfjs ops on a backend without our kernels, with the fused kernels' values and gradients: %o",
    async ({ initialStates, mask, ...row }) => {
      const { dropout, ...options } = { dropout: false, ...row };
      const inputs = () => [
        tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1),
        tf.randomNormal([2, 20], 0, 0.5, 'float32', 2),
        tf.randomNormal([5, 20], 0, 0.3, 'float32', 3),
        tf.randomNormal([20], 0, 0.3, 'float32', 4),
        ...(initialStates
          ? [tf.randomNormal([3, 5], 0, 1, 'float32', 5), tf.randomNormal([3, 5], 0, 1, 'float32', 6)]
          : []),
      ];
      const op = (x: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor, h0?: tf.Tensor, c0?: tf.Tensor) =>
        tf.tidy(() =>
          lstm(x, k, r, b, {
            ...options,
            initialState: h0 ?? null,
            initialCellState: c0 ?? null,
            mask: mask ? tf.tensor2d(MASK, [3, 4], mask) : null,
            dropoutMask: dropout ? tf.tensor2d(DROPOUT_MASK, [3, 2]) : null,
            recurrentDropoutMask: dropout ? tf.tensor2d(RECURRENT_DROPOUT_MASK, [3, 5]) : null,
          }),
        );
      const stock = await outputsAndGradients(kernelFreeBackend(), inputs, op as never, LSTM);
      expect(stock.fused).toBe(false);
      for (const backend of ['cpu', 'webgpu'] as const) {
        const fused = await outputsAndGradients(backend, inputs, op as never, LSTM);
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
    for (const backend of ['webgpu', 'cpu']) for (const name of [LSTM, LSTM_GRAD]) tf.unregisterKernel(name, backend);
    const x = tf.randomNormal([2, 3, 2]);
    const profile = await tf.profile(() =>
      tf.grad((input: tf.Tensor) => tf.sum(lstm(input, tf.ones([2, 12]), tf.ones([3, 12]), null)))(x),
    );
    tf.dispose([x, profile.result as tf.Tensor]);
    expect(profile.kernelNames.filter((name) => name.startsWith('WebGPURNN_'))).toEqual([LSTM, LSTM_GRAD]);
  });
});
