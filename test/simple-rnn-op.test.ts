import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMPLE_RNN, SIMPLE_RNN_GRAD } from '../src/model/kernel-names.js';
import { registerKernels } from '../src/model/register-kernels.js';
import { hasFusedKernels, simpleRNN } from '../src/model/simple-rnn-op.js';
import { relativeError, tfjsWebGPU } from './helpers/tfjs.js';

describe('ops.simpleRNN', () => {
  beforeAll(tfjsWebGPU);
  afterAll(() => tf.setBackend('webgpu'));

  it('names the argument and what it expected on bad input', () => {
    const x = tf.ones([2, 3, 4]);
    const k = tf.ones([4, 5]);
    const r = tf.ones([5, 5]);
    const cases: [() => unknown, RegExp][] = [
      [() => simpleRNN(tf.ones([2, 4]), k, r, null), /x: expected a float32 tensor of shape \[batch, timesteps, features\].*got a float32 tensor of shape \[2, 4\]/],
      [() => simpleRNN(tf.ones([2, 3, 4], 'int32'), k, r, null), /x: .*got a int32 tensor/],
      [() => simpleRNN(tf.ones([2, 0, 4]), tf.ones([4, 5]), r, null), /x: .*got a float32 tensor of shape \[2, 0, 4\]/],
      [() => simpleRNN(x, tf.ones([3, 5]), r, null), /kernel: expected a float32 tensor of shape \[4, units\] \(features must match x\)/],
      [() => simpleRNN(x, k, tf.ones([5, 4]), null), /recurrentKernel: expected a float32 tensor of shape \[5, 5\]/],
      [() => simpleRNN(x, k, r, tf.ones([4])), /bias: expected a float32 tensor of shape \[5\]/],
      [() => simpleRNN(x, k, r, null, { initialState: tf.ones([3, 5]) }), /initialState: expected a float32 tensor of shape \[2, 5\]/],
      [() => simpleRNN(x, k, r, null, { activation: 'softmax' as never }), /activation: 'softmax' normalises across units/],
      [() => simpleRNN([1, 2] as never, k, r, null), /x: .*got an array/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    tf.dispose([x, k, r]);
  });

  it('runs as stock tfjs ops where no kernel is registered, with the same values and gradients', async () => {
    await tf.setBackend('cpu');
    const args = () => [tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1), tf.randomNormal([2, 6], 0, 0.5, 'float32', 2), tf.randomNormal([6, 6], 0, 0.3, 'float32', 3), tf.randomNormal([6], 0, 0.1, 'float32', 4), tf.randomNormal([3, 6], 0, 1, 'float32', 5)];
    const run = async () => {
      const [x, k, r, b, h0] = args();
      const options = { activation: 'selu' as const, returnSequences: true, goBackwards: true };
      const y = simpleRNN(x!, k!, r!, b!, { ...options, initialState: h0! });
      const grads = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.square(simpleRNN(t[0]!, t[1]!, t[2]!, t[3]!, { ...options, initialState: t[4]! }))))([x!, k!, r!, b!, h0!]);
      const data = await Promise.all([y, ...grads].map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([x!, k!, r!, b!, h0!, y, ...grads]);
      return data;
    };
    expect(hasFusedKernels('cpu')).toBe(true);
    const fused = await run();
    tf.unregisterKernel(SIMPLE_RNN, 'cpu');
    tf.unregisterKernel(SIMPLE_RNN_GRAD, 'cpu');
    try {
      expect(hasFusedKernels('cpu')).toBe(false);
      const stock = await run();
      stock.forEach((values, i) => expect(relativeError(values, fused[i]!), `output ${i}`).toBeLessThan(1e-5));
    } finally {
      registerKernels();
    }
    expect(hasFusedKernels('cpu')).toBe(true);
  });

  it('registerKernels is idempotent', () => {
    expect(() => {
      registerKernels();
      registerKernels();
    }).not.toThrow();
    expect(tf.getKernel(SIMPLE_RNN, 'webgpu')).toBeDefined();
    expect(tf.getKernel(SIMPLE_RNN_GRAD, 'cpu')).toBeDefined();
  });
});
