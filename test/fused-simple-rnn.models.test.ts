import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedSimpleRNN, fusedSimpleRNN } from '../src/model/fused-simple-rnn.js';
import { gpuBytes, onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance for the fused layer on webgpu against stock layers on cpu (relative to the largest
// magnitude of each output).
const TOLERANCE = 1e-4;

async function weightArrays(model: tf.LayersModel): Promise<{ values: Float32Array; shape: number[] }[]> {
  return Promise.all(model.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })));
}

const tensors = (arrays: { values: Float32Array; shape: number[] }[]) => arrays.map((a) => tf.tensor(a.values, a.shape));

async function predict(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(y) ? y : [y];
  const data = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(list);
  return Float32Array.from(data.flatMap((d) => [...d]));
}

describe('FusedSimpleRNN in models', () => {
  beforeAll(tfjsWebGPU);

  it('stacks on 1-step sequences and trains (tf.layers.simpleRNN cannot: tfjs#8255)', async () => {
    const model = tf.sequential({
      layers: [
        fusedSimpleRNN({ units: 8, returnSequences: true, inputShape: [1, 3] }),
        fusedSimpleRNN({ units: 4 }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomUniform([16, 1, 3], -1, 1, 'float32', 1);
    const y = tf.sum(x, [1, 2]).reshape([16, 1]);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    const loss = history.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('round-trips through model.save and tf.loadLayersModel as a stock SimpleRNN, with identical predictions', async () => {
    const model = tf.sequential({ layers: [fusedSimpleRNN({ units: 6, activation: 'relu', inputShape: [4, 2], goBackwards: true }), tf.layers.dense({ units: 2 })] });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify(saved!.modelTopology)).toContain('"class_name":"SimpleRNN"');
    expect(JSON.stringify(saved!.modelTopology)).not.toContain('Fused');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers[0]).not.toBeInstanceOf(FusedSimpleRNN);
    const x = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 5);
    expect(relativeError(await predict(loaded, x), await predict(model, x))).toBeLessThan(1e-5);
    expect(loaded.layers[0]!.getWeights().map((w) => w.shape)).toEqual([[2, 6], [6, 6], [6]]);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it('shares weights with tf.layers.simpleRNN (names, order, shapes, values)', async () => {
    const args = { units: 5, inputShape: [3, 2] };
    const stock = tf.sequential({ layers: [tf.layers.simpleRNN(args)] });
    const fused = tf.sequential({ layers: [fusedSimpleRNN(args)] });
    expect(fused.layers[0]!.weights.map((w) => w.name.split('/').at(-1))).toEqual(['kernel', 'recurrent_kernel', 'bias']);
    fused.setWeights(stock.getWeights());
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 9);
    expect(relativeError(await predict(fused, x), await predict(stock, x))).toBeLessThan(TOLERANCE);
    tf.dispose(x);
    stock.dispose();
    fused.dispose();
  });

  it.each(['concat', 'sum', 'mul', 'ave', null] as const)('works inside tf.layers.bidirectional (mergeMode %s), the backward copy running backwards', async (mergeMode) => {
    const build = (fused: boolean) => {
      const layer = (fused ? fusedSimpleRNN : tf.layers.simpleRNN)({ units: 3, returnSequences: true });
      const input = tf.input({ shape: [5, 2] });
      const output = tf.layers.bidirectional({ layer: layer as tf.RNN, mergeMode: mergeMode as never }).apply(input) as tf.SymbolicTensor | tf.SymbolicTensor[];
      return tf.model({ inputs: input, outputs: output });
    };
    const xs = Array.from({ length: 4 * 5 * 2 }, (_, i) => Math.sin(i));
    const reference = await onBackend('cpu', async () => {
      const stock = build(false);
      const x = tf.tensor3d(xs, [4, 5, 2]);
      const out = { weights: await weightArrays(stock), y: await predict(stock, x) };
      tf.dispose(x);
      stock.dispose();
      return out;
    });
    const fused = build(true);
    fused.setWeights(tensors(reference.weights));
    const x = tf.tensor3d(xs, [4, 5, 2]);
    expect(relativeError(await predict(fused, x), reference.y)).toBeLessThan(TOLERANCE);
    tf.dispose(x);
    fused.dispose();
  });

  it('follows tf.layers.timeDistributed in a functional model, forward and gradients', async () => {
    const build = (fused: boolean) => {
      const input = tf.input({ shape: [4, 3] });
      const projected = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 5, activation: 'tanh' }) }).apply(input) as tf.SymbolicTensor;
      const recurrent = (fused ? fusedSimpleRNN : tf.layers.simpleRNN)({ units: 6, activation: 'gelu' }).apply(projected) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 1 }).apply(recurrent) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    };
    const xs = Array.from({ length: 3 * 4 * 3 }, (_, i) => Math.cos(i * 0.7));
    const gradients = async (model: tf.LayersModel) => {
      const x = tf.tensor3d(xs, [3, 4, 3]);
      const { grads } = tf.variableGrads(() => tf.sum(model.apply(x) as tf.Tensor) as tf.Scalar);
      const ordered = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
      const data = await Promise.all(ordered.map((g) => g.data() as Promise<Float32Array>));
      tf.dispose([x, ...Object.values(grads)]);
      return data;
    };
    const reference = await onBackend('cpu', async () => {
      const stock = build(false);
      const result = { weights: await weightArrays(stock), grads: await gradients(stock) };
      stock.dispose();
      return result;
    });
    const fused = build(true);
    fused.setWeights(tensors(reference.weights));
    const got = await gradients(fused);
    got.forEach((g, i) => expect(relativeError(g, reference.grads[i]!), fused.trainableWeights[i]!.name).toBeLessThan(TOLERANCE));
    fused.dispose();
  });

  it('refuses the options it does not support, naming them', () => {
    expect(() => fusedSimpleRNN({ units: 2, dropout: 0.2 })).toThrow(/does not support dropout \(0\.2\) yet/);
    expect(() => fusedSimpleRNN({ units: 2, recurrentDropout: 0.1 })).toThrow(/does not support recurrentDropout \(0\.1\) yet/);
    expect(() => fusedSimpleRNN({ units: 2, stateful: true, batchInputShape: [1, 3, 1] })).toThrow(/does not support stateful: true yet/);
    expect(() => fusedSimpleRNN({ units: 2, unroll: true })).toThrow(/does not support unroll: true yet/);
    expect(() => fusedSimpleRNN({ units: 2, activation: 'softmax' })).toThrow(/activation: 'softmax' normalises across units/);
    const masked = tf.sequential({ layers: [tf.layers.masking({ inputShape: [3, 1] }), fusedSimpleRNN({ units: 2 })] });
    expect(() => masked.predict(tf.ones([1, 3, 1]))).toThrow(/does not support masking yet/);
  });

  it('names a config field of the wrong kind (stock tfjs would take returnSequences: 1 as true)', () => {
    const cases: [object, RegExp][] = [
      [{ units: 4, returnSequences: 1 }, /^fusedSimpleRNN: returnSequences: expected a boolean; got 1$/],
      [{ units: 4, returnState: 'yes' }, /^fusedSimpleRNN: returnState: expected a boolean; got "yes"$/],
      [{ units: 4, goBackwards: 1 }, /^fusedSimpleRNN: goBackwards: expected a boolean; got 1$/],
      [{ units: 4, useBias: 'no' }, /^fusedSimpleRNN: useBias: expected a boolean; got "no"$/],
      [{ units: 4, dropout: Number.NaN }, /^fusedSimpleRNN: dropout: expected a number in \[0, 1\); got NaN$/],
      [{ units: 4, recurrentDropout: '0.5' }, /^fusedSimpleRNN: recurrentDropout: expected a number in \[0, 1\); got "0\.5"$/],
    ];
    for (const [config, message] of cases) expect(() => fusedSimpleRNN(config as never)).toThrow(message);
  });

  it('rejects bad input with a clear error and leaves the weights untouched', async () => {
    const model = tf.sequential({ layers: [fusedSimpleRNN({ units: 4, inputShape: [3, 2] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const before = await weightArrays(model);
    const unchanged = async () => expect(await weightArrays(model)).toEqual(before);
    await expect(model.fit(tf.ones([5, 3]), tf.ones([5, 1]), { epochs: 1, verbose: 0 })).rejects.toThrow(/expected .* to have 3 dimension\(s\)/);
    await unchanged();
    await expect(model.fit(tf.ones([5, 3, 3]), tf.ones([5, 1]), { epochs: 1, verbose: 0 })).rejects.toThrow(/each example has shape \[3,2\].*each with shape \[3,3\]/);
    await unchanged();
    const layer = model.layers[0]!;
    expect(() => layer.setWeights([tf.ones([2, 4]), tf.ones([4, 5]), tf.ones([4])])).toThrow(/shape/);
    await unchanged();
    const complex = tf.complex(tf.ones([2, 3, 2]), tf.ones([2, 3, 2]));
    expect(() => layer.apply(complex)).toThrow(/x: expected a float32 tensor of shape \[batch, timesteps, features\].*got a complex64 tensor/);
    complex.dispose();
    await unchanged();
    model.dispose();
  });

  it('leaks neither tensors nor GPU memory across epochs', async () => {
    const model = tf.sequential({ layers: [fusedSimpleRNN({ units: 16, inputShape: [5, 2], returnSequences: true }), fusedSimpleRNN({ units: 8 }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomNormal([12, 5, 2], 0, 1, 'float32', 3);
    const y = tf.randomNormal([12, 1], 0, 1, 'float32', 4);
    const snapshots: { tensors: number; bytes: number }[] = [];
    await model.fit(x, y, {
      epochs: 12,
      batchSize: 4,
      verbose: 0,
      callbacks: {
        onEpochEnd: async () => {
          snapshots.push({ tensors: tf.memory().numTensors, bytes: gpuBytes() });
        },
      },
    });
    // After a warm-up epoch, every epoch ends with the same live tensors and GPU bytes.
    expect(new Set(snapshots.slice(2).map((s) => s.tensors)).size, JSON.stringify(snapshots)).toBe(1);
    expect(Math.max(...snapshots.slice(2).map((s) => s.bytes))).toBeLessThanOrEqual(snapshots[2]!.bytes);
    tf.dispose([x, y]);
    model.dispose();
  });
});
