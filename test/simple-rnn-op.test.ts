import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMPLE_RNN, SIMPLE_RNN_GRAD } from '../src/model/kernel-names.js';
import { registerKernels } from '../src/model/register-kernels.js';
import { FusedSimpleRNN, fusedSimpleRNN } from '../src/model/fused-layers.js';
import { hasFusedKernels } from '../src/model/fused-kernels.js';
import { simpleRNN } from '../src/model/ops.js';
import { gpuBytes, kernelFreeBackend, onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

describe('ops.simpleRNN', () => {
  beforeAll(tfjsWebGPU);
  afterAll(() => tf.setBackend('webgpu'));

  it('names the argument and what it expected on bad input', () => {
    const x = tf.ones([2, 3, 4]);
    const k = tf.ones([4, 5]);
    const r = tf.ones([5, 5]);
    const cases: [() => unknown, RegExp][] = [
      [
        () => simpleRNN(tf.ones([2, 4]), k, r, null),
        /x: expected a float32 tensor of shape \[batch, timesteps, features\].*got a float32 tensor of shape \[2, 4\]/,
      ],
      [() => simpleRNN(tf.complex(x, x), k, r, null), /x: .*int32 and bool are cast\); got a complex64 tensor/],
      [() => simpleRNN(tf.ones([2, 0, 4]), tf.ones([4, 5]), r, null), /x: .*got a float32 tensor of shape \[2, 0, 4\]/],
      [
        () => simpleRNN(x, tf.ones([3, 5]), r, null),
        /kernel: expected a float32 tensor of shape \[4, units\] \(features must match x;/,
      ],
      [() => simpleRNN(x, k, tf.ones([5, 4]), null), /recurrentKernel: expected a float32 tensor of shape \[5, 5\]/],
      [() => simpleRNN(x, k, r, tf.ones([4])), /bias: expected a float32 tensor of shape \[5\]/],
      [
        () => simpleRNN(x, k, r, null, { initialState: tf.ones([3, 5]) }),
        /initialState: expected a float32 tensor of shape \[2, 5\]/,
      ],
      [
        () => simpleRNN(x, k, r, null, { activation: 'softmax' as never }),
        /activation: 'softmax' normalises across units/,
      ],
      [() => simpleRNN([1, 2] as never, k, r, null), /x: .*got an array/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    tf.dispose([x, k, r]);
  });

  it('names the option on misuse: options null or an array, an unknown option, flags that are not booleans', () => {
    const [x, k, r] = [tf.ones([2, 3, 4]), tf.ones([4, 5]), tf.ones([5, 5])];
    const disposed = tf.ones([5]);
    disposed.dispose();
    const cases: [() => unknown, RegExp][] = [
      [
        () => simpleRNN(x, k, r, null, null as never),
        new RegExp(
          '^ops\\.simpleRNN: options: expected an object ' +
            '\\(activation, returnSequences, returnState, goBackwards, initialState, mask, ' +
            'dropoutMask, recurrentDropoutMask\\) or nothing; got null$',
        ),
      ],
      [() => simpleRNN(x, k, r, null, [] as never), /^ops\.simpleRNN: options: expected an object .* got an array$/],
      [
        () => simpleRNN(x, k, r, null, { returnSequence: true } as never),
        new RegExp(
          '^ops\\.simpleRNN: options: unknown "returnSequence"; expected only activation, returnSequences, ' +
            'returnState, goBackwards, initialState, mask, dropoutMask, recurrentDropoutMask$',
        ),
      ],
      [
        () => simpleRNN(x, k, r, null, { returnSequences: 1 as never }),
        /^ops\.simpleRNN: options\.returnSequences: expected a boolean; got 1$/,
      ],
      [
        () => simpleRNN(x, k, r, null, { goBackwards: 'yes' as never }),
        /^ops\.simpleRNN: options\.goBackwards: expected a boolean; got "yes"$/,
      ],
      [
        () => simpleRNN(x, k, r, null, { activation: 'bogus' as never }),
        /^ops\.simpleRNN: options\.activation: expected one of/,
      ],
      [
        () => simpleRNN(x, k, r, null, { initialState: 'zeros' as never }),
        /^ops\.simpleRNN: initialState: expected a float32 tensor of shape \[2, 5\].*got "zeros"$/,
      ],
      [() => simpleRNN(x, k, r, disposed), /^ops\.simpleRNN: bias: .*got a disposed tensor$/],
      [() => simpleRNN(null as never, k, r, null), /^ops\.simpleRNN: x: expected a float32 tensor .*got null$/],
      [
        () => simpleRNN(x, undefined as never, r, null),
        /^ops\.simpleRNN: kernel: expected a float32 tensor of shape \[4, units\].*got undefined$/,
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [call, message] of cases) expect(call).toThrow(message);
    expect(tf.memory().numTensors, 'nothing allocated on failure').toBe(before);
    tf.dispose([x, k, r]);
  });

  // Stock tfjs casts int32 and bool inputs to float32 (tf.layers.simpleRNN runs on int32 data).
  it.each(['webgpu', 'cpu'] as const)(
    'casts int32 and bool inputs to float32, as stock tfjs does (%s)',
    async (backend) => {
      await onBackend(backend, async () => {
        const values = [1, 0, 2, 1, 0, 3, 1, 1, 0, 2, 2, 1];
        const [k, r, b] = [
          tf.randomNormal([2, 3], 0, 0.5, 'float32', 1),
          tf.randomNormal([3, 3], 0, 0.3, 'float32', 2),
          tf.randomNormal([3], 0, 0.1, 'float32', 3),
        ];
        const run = async (x: tf.Tensor) => {
          const y = simpleRNN(x, k, r, b, { returnSequences: true });
          const grads = tf.grads((kt: tf.Tensor, rt: tf.Tensor) => tf.sum(tf.square(simpleRNN(x, kt, rt, b))))([k, r]);
          const out = await Promise.all([y, ...grads].map((t) => t.data() as Promise<Float32Array>));
          tf.dispose([y, ...grads]);
          return out;
        };
        const binary = values.map((v) => (v ? 1 : 0));
        const int = tf.tensor3d(values, [2, 3, 2], 'int32');
        // tf.cast relabels: the webgpu backend still holds int32 data behind this float32 tensor.
        const inputs = [
          tf.tensor3d(values, [2, 3, 2], 'float32'),
          int,
          tf.cast(int, 'float32'),
          tf.tensor3d(binary, [2, 3, 2], 'float32'),
          tf.tensor3d(binary, [2, 3, 2], 'bool'),
        ];
        const before = tf.memory().numTensors;
        const [float, fromInt, cast, floatBinary, bool] = [
          await run(inputs[0]!),
          await run(inputs[1]!),
          await run(inputs[2]!),
          await run(inputs[3]!),
          await run(inputs[4]!),
        ];
        expect(tf.memory().numTensors, 'the copies are released').toBe(before);
        fromInt!.forEach((values, i) => expect(values, `int32, output ${i}`).toEqual(float![i]));
        cast!.forEach((values, i) => expect(values, `tf.cast of int32, output ${i}`).toEqual(float![i]));
        bool!.forEach((values, i) => expect(values, `bool, output ${i}`).toEqual(floatBinary![i]));
        tf.dispose([...inputs, k, r, b]);
      });
    },
  );

  it.each(['webgpu', 'cpu'] as const)(
    'returns an empty result for a batch of 0, as stock tfjs does, with zero gradients (%s)',
    async (backend) => {
      await onBackend(backend, async () => {
        const [x, k, r, b] = [tf.zeros([0, 3, 2]), tf.ones([2, 5]), tf.ones([5, 5]), tf.ones([5])];
        const h0 = tf.zeros([0, 5]);
        const before = tf.memory().numTensors;
        const last = simpleRNN(x, k, r, b);
        const sequences = simpleRNN(x, k, r, b, { returnSequences: true, initialState: h0 });
        expect(last.shape).toEqual([0, 5]);
        expect(sequences.shape).toEqual([0, 3, 5]);
        expect(last.dtype).toBe('float32');
        // Explicit dy: tfjs 4.22's webgpu backend cannot sum an empty tensor.
        const dy = tf.zeros([0, 3, 5]);
        const grads = tf.grads((...t: tf.Tensor[]) =>
          simpleRNN(t[0]!, t[1]!, t[2]!, t[3]!, { returnSequences: true, initialState: t[4]! }),
        )([x, k, r, b, h0], dy);
        expect(grads.map((g) => g.shape)).toEqual([[0, 3, 2], [2, 5], [5, 5], [5], [0, 5]]);
        for (const g of grads.slice(1, 4)) expect([...(await g.data())].every((v) => v === 0)).toBe(true);
        tf.dispose([last, sequences, dy, ...grads]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, k, r, b, h0]);
      });
    },
  );

  // tfjs ops are synchronous and tfjs submits its encoder itself, so the fused kernel can only refuse
  // at once what it can see; WebGPU's later errors reach the caller's error scope, as with the bare API.
  describe('misused GPU buffers behind zero-copy tensors', () => {
    const device = () => (tf.backend() as unknown as { device: GPUDevice }).device;
    const zeroCopy = (buffer: GPUBuffer, shape: number[]) =>
      tf.tensor({ buffer, zeroCopy: true } as unknown as number[], shape);
    const usage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

    it('a mapped buffer is refused at once by name, and nothing is left allocated', async () => {
      await tf.setBackend('webgpu');
      const [k, r] = [tf.ones([1, 3]), tf.ones([3, 3])];
      tf.dispose(simpleRNN(tf.ones([2, 3, 1]), k, r, null)); // the weights go to the GPU first
      const mapped = device().createBuffer({ size: 24, usage: usage(), mappedAtCreation: true });
      const x = zeroCopy(mapped, [2, 3, 1]);
      const before = { tensors: tf.memory().numTensors, bytes: gpuBytes() };
      expect(() => simpleRNN(x, k, r, null)).toThrow(
        /^inputs\.x: the buffer is mapped \(mappedAtCreation or mapAsync\); call unmap\(\) first$/,
      );
      expect({ tensors: tf.memory().numTensors, bytes: gpuBytes() }).toEqual(before);
      mapped.unmap();
      tf.dispose([x, k, r]);
      mapped.destroy();
    });

    it("a destroyed buffer surfaces in the caller's error scope around the op and its read", async () => {
      await tf.setBackend('webgpu');
      const [k, r] = [tf.ones([1, 3]), tf.ones([3, 3])];
      const gone = device().createBuffer({ label: 'gone', size: 24, usage: usage() });
      const x = zeroCopy(gone, [2, 3, 1]);
      gone.destroy();
      device().pushErrorScope('validation');
      const y = simpleRNN(x, k, r, null);
      await y.data(); // tfjs submits here
      const error = await device().popErrorScope();
      expect(error?.message).toMatch(/\[Buffer "gone"\] used in submit while destroyed/);
      tf.dispose([x, y, k, r]);
    });
  });

  it('FusedSimpleRNN takes int32 input and a batch of 0 like tf.layers.simpleRNN', async () => {
    await tf.setBackend('webgpu');
    const fused = new FusedSimpleRNN({ units: 3, returnSequences: true });
    const stock = tf.layers.simpleRNN({ units: 3, returnSequences: true });
    const x = () => tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1], 'int32');
    const weights = await onBackend('cpu', async () => {
      stock.apply(x());
      return stock.getWeights().map((w) => ({ values: w.dataSync(), shape: w.shape }));
    });
    fused.apply(tf.zeros([1, 3, 1]));
    fused.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
    const got = await (fused.apply(x()) as tf.Tensor).data();
    const expected = await onBackend('cpu', () => (stock.apply(x()) as tf.Tensor).dataSync());
    expect(relativeError(got, expected)).toBeLessThan(1e-5);
    expect((fused.apply(tf.zeros([0, 3, 1])) as tf.Tensor).shape).toEqual([0, 3, 3]);
  });

  it('runs as stock tfjs ops on a backend without our kernels, with the same values and gradients', async () => {
    const STOCK_CPU = kernelFreeBackend();
    const args = () => [
      tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1),
      tf.randomNormal([2, 6], 0, 0.5, 'float32', 2),
      tf.randomNormal([6, 6], 0, 0.3, 'float32', 3),
      tf.randomNormal([6], 0, 0.1, 'float32', 4),
      tf.randomNormal([3, 6], 0, 1, 'float32', 5),
    ];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const [x, k, r, b, h0] = args();
      const options = { activation: 'selu' as const, returnSequences: true, goBackwards: true };
      const profile = await tf.profile(() => {
        const y = simpleRNN(x!, k!, r!, b!, { ...options, initialState: h0! });
        const grads = tf.grads((...t: tf.Tensor[]) =>
          tf.sum(tf.square(simpleRNN(t[0]!, t[1]!, t[2]!, t[3]!, { ...options, initialState: t[4]! }))),
        )([x!, k!, r!, b!, h0!]);
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

  it(
    'registers its kernels on first use: ' + 'without registerKernels() it still runs the fused kernels on webgpu',
    async () => {
      await tf.setBackend('webgpu');
      const unregister = () => {
        for (const backend of ['webgpu', 'cpu'])
          for (const name of [SIMPLE_RNN, SIMPLE_RNN_GRAD]) tf.unregisterKernel(name, backend);
      };
      const x = tf.randomNormal([2, 3, 2]);
      const kernels = async (body: () => tf.Tensor) => {
        const profile = await tf.profile(() => tf.sum(tf.grad(body)(x)));
        tf.dispose(profile.result as tf.Tensor);
        return profile.kernelNames.filter((name) => name.startsWith('WebGPURNN_'));
      };
      unregister();
      expect(tf.getKernel(SIMPLE_RNN, 'webgpu')).toBeUndefined();
      expect(await kernels(() => tf.sum(simpleRNN(x, tf.ones([2, 3]), tf.eye(3), null)))).toEqual([
        SIMPLE_RNN,
        SIMPLE_RNN_GRAD,
      ]);

      unregister();
      const layer = fusedSimpleRNN({ units: 3 });
      expect(await kernels(() => tf.sum(layer.apply(x) as tf.Tensor))).toEqual([SIMPLE_RNN, SIMPLE_RNN_GRAD]);
      expect(tf.getKernel(SIMPLE_RNN_GRAD, 'cpu'), 'every kernel registered, not only the one that ran').toBeDefined();
      tf.dispose(x);
    },
  );

  it('registerKernels is idempotent', () => {
    expect(() => {
      registerKernels();
      registerKernels();
    }).not.toThrow();
    expect(tf.getKernel(SIMPLE_RNN, 'webgpu')).toBeDefined();
    expect(tf.getKernel(SIMPLE_RNN_GRAD, 'cpu')).toBeDefined();
  });
});
