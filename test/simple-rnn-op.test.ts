import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMPLE_RNN, SIMPLE_RNN_GRAD } from '../src/model/kernel-names.js';
import { registerKernels } from '../src/model/register-kernels.js';
import { fusedSimpleRNN } from '../src/model/fused-simple-rnn.js';
import { hasFusedKernels, simpleRNN } from '../src/model/simple-rnn-op.js';
import { relativeError, tfjsWebGPU } from './helpers/tfjs.js';

const STOCK_CPU = 'stock-cpu';

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

  it('runs as stock tfjs ops on a backend without our kernels, with the same values and gradients', async () => {
    // A second cpu backend under another name: every stock kernel, none of ours.
    if (!tf.findBackendFactory(STOCK_CPU)) {
      tf.registerBackend(STOCK_CPU, tf.findBackendFactory('cpu')!);
      for (const kernel of tf.getKernelsForBackend('cpu')) {
        if (!kernel.kernelName.startsWith('WebGPURNN_')) tf.registerKernel({ ...kernel, backendName: STOCK_CPU });
      }
    }
    const args = () => [tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1), tf.randomNormal([2, 6], 0, 0.5, 'float32', 2), tf.randomNormal([6, 6], 0, 0.3, 'float32', 3), tf.randomNormal([6], 0, 0.1, 'float32', 4), tf.randomNormal([3, 6], 0, 1, 'float32', 5)];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const [x, k, r, b, h0] = args();
      const options = { activation: 'selu' as const, returnSequences: true, goBackwards: true };
      const profile = await tf.profile(() => {
        const y = simpleRNN(x!, k!, r!, b!, { ...options, initialState: h0! });
        const grads = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.square(simpleRNN(t[0]!, t[1]!, t[2]!, t[3]!, { ...options, initialState: t[4]! }))))([x!, k!, r!, b!, h0!]);
        return [y, ...grads];
      });
      const outputs = profile.result as tf.Tensor[];
      const data = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([x!, k!, r!, b!, h0!, ...outputs]);
      return { data, fused: profile.kernelNames.includes(SIMPLE_RNN) };
    };
    const fused = await run('cpu');
    const stock = await run(STOCK_CPU);
    expect(hasFusedKernels('cpu')).toBe(true);
    expect(hasFusedKernels(STOCK_CPU)).toBe(false);
    expect([fused.fused, stock.fused]).toEqual([true, false]);
    stock.data.forEach((values, i) => expect(relativeError(values, fused.data[i]!), `output ${i}`).toBeLessThan(1e-5));
  });

  it('registers its kernels on first use: without registerKernels() it still runs the fused kernels on webgpu', async () => {
    await tf.setBackend('webgpu');
    const unregister = () => {
      for (const backend of ['webgpu', 'cpu']) for (const name of [SIMPLE_RNN, SIMPLE_RNN_GRAD]) tf.unregisterKernel(name, backend);
    };
    const x = tf.randomNormal([2, 3, 2]);
    const kernels = async (body: () => tf.Tensor) => {
      const profile = await tf.profile(() => tf.sum(tf.grad(body)(x)));
      tf.dispose(profile.result as tf.Tensor);
      return profile.kernelNames.filter((name) => name.startsWith('WebGPURNN_'));
    };
    unregister();
    expect(tf.getKernel(SIMPLE_RNN, 'webgpu')).toBeUndefined();
    expect(await kernels(() => tf.sum(simpleRNN(x, tf.ones([2, 3]), tf.eye(3), null)))).toEqual([SIMPLE_RNN, SIMPLE_RNN_GRAD]);

    unregister();
    const layer = fusedSimpleRNN({ units: 3 });
    expect(await kernels(() => tf.sum(layer.apply(x) as tf.Tensor))).toEqual([SIMPLE_RNN, SIMPLE_RNN_GRAD]);
    expect(tf.getKernel(SIMPLE_RNN_GRAD, 'cpu'), 'every kernel registered, not only the one that ran').toBeDefined();
    tf.dispose(x);
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
