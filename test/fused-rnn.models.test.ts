import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedGRU, fusedLSTM, fusedSimpleRNN } from '../src/model/fused-layers.js';
import { predict, weightArrays } from './helpers/models.js';
import { gpuBytes, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// What the three fused layers share in models; FusedSimpleRNN's own cases are in fused-simple-rnn.models.test.ts.
const CELLS = [
  { name: 'FusedSimpleRNN', factory: 'fusedSimpleRNN', stock: 'simpleRNN', layer: fusedSimpleRNN, gates: 1 },
  { name: 'FusedLSTM', factory: 'fusedLSTM', stock: 'lstm', layer: fusedLSTM, gates: 4 },
  { name: 'FusedGRU', factory: 'fusedGRU', stock: 'gru', layer: fusedGRU, gates: 3 },
] as const;

describe.each(CELLS)('$name in models', ({ name, factory, stock, layer, gates }) => {
  beforeAll(tfjsWebGPU);

  it('stacks on 1-step sequences and trains (tfjs 4.22 throws there: tfjs#8255)', async () => {
    const model = tf.sequential({
      layers: [
        layer({ units: 8, returnSequences: true, inputShape: [1, 3] }),
        layer({ units: 4 }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const x = tf.randomUniform([16, 1, 3], -1, 1, 'float32', 1);
    const y = tf.reshape(tf.sum(x, [1, 2]), [16, 1]);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    const loss = history.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("shares weights with its stock twin: Keras's names, order and shapes", async () => {
    const args = { units: 5, inputShape: [3, 2] };
    const stockModel = tf.sequential({ layers: [tf.layers[stock](args)] });
    const fused = tf.sequential({ layers: [layer(args)] });
    expect(fused.layers[0]!.weights.map((w) => w.name.split('/').at(-1))).toEqual([
      'kernel',
      'recurrent_kernel',
      'bias',
    ]);
    expect(fused.layers[0]!.weights.map((w) => w.shape)).toEqual([[2, gates * 5], [5, gates * 5], [gates * 5]]);
    fused.setWeights(stockModel.getWeights());
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 9);
    expect(relativeError(await predict(fused, x), await predict(stockModel, x))).toBeLessThan(1e-5);
    tf.dispose(x);
    stockModel.dispose();
    fused.dispose();
  });

  it('refuses the options it does not support, naming them', () => {
    expect(() => layer({ units: 2, dropout: 1 })).toThrow(
      new RegExp(`^${factory}: dropout: expected a number in \\[0, 1\\); got 1$`),
    );
    expect(() => layer({ units: 2, recurrentDropout: -0.1 })).toThrow(
      /recurrentDropout: expected a number in \[0, 1\)/,
    );
    expect(() => layer({ units: 2, recurrentActivation: 'softmax' })).toThrow(
      new RegExp(`^${factory}: recurrentActivation: 'softmax' normalises across units`),
    );
    expect(() => layer({ units: 2, returnState: 1 as never })).toThrow(
      new RegExp(`^${factory}: returnState: expected a boolean; got 1$`),
    );
  });

  it('takes its initial states through the call, all of them or none', async () => {
    const l = layer({ units: 3 });
    const x = tf.ones([2, 4, 1]);
    const states = Array.from({ length: gates === 4 ? 2 : 1 }, (_, i) => tf.fill([2, 3], 0.5 * (i + 1)));
    const given = l.apply(x, { initialState: states }) as tf.Tensor;
    const zeros = l.apply(x) as tf.Tensor;
    expect(relativeError(await given.data(), await zeros.data())).toBeGreaterThan(1e-3);
    if (gates === 4)
      expect(() => l.apply(x, { initialState: [states[0]!] })).toThrow(/expected 2 initial state tensor\(s\)/);
    tf.dispose([x, ...states, given, zeros]);
  });

  it('rejects bad input with a clear error and leaves the weights untouched', async () => {
    const model = tf.sequential({ layers: [layer({ units: 4, inputShape: [3, 2] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const before = await weightArrays(model);
    const unchanged = async () => expect(await weightArrays(model)).toEqual(before);
    await expect(model.fit(tf.ones([5, 3]), tf.ones([5, 1]), { epochs: 1, verbose: 0 })).rejects.toThrow(
      /expected .* to have 3 dimension\(s\)/,
    );
    await unchanged();
    await expect(model.fit(tf.ones([5, 3, 3]), tf.ones([5, 1]), { epochs: 1, verbose: 0 })).rejects.toThrow(
      /each example has shape \[3,2\].*each with shape \[3,3\]/,
    );
    await unchanged();
    await expect(model.fit(tf.ones([5, 3, 2]), tf.ones([5, 2]), { epochs: 1, verbose: 0 })).rejects.toThrow(
      /target expected a batch of elements where each example has shape \[1\].*each with shape \[2\]/,
    );
    await unchanged();
    const complex = tf.complex(tf.ones([2, 3, 2]), tf.ones([2, 3, 2]));
    expect(() => model.layers[0]!.apply(complex)).toThrow(
      new RegExp(`x: expected a float32 tensor of shape \\[batch, timesteps, features\\].*got a complex64 tensor`),
    );
    complex.dispose();
    await unchanged();
    model.dispose();
  });

  it('leaks neither tensors nor GPU memory across epochs (returnSequences and returnState inside)', async () => {
    const input = tf.input({ shape: [5, 2] });
    const [sequences, ...states] = layer({ units: 6, returnSequences: true, returnState: true }).apply(
      input,
    ) as tf.SymbolicTensor[];
    const last = layer({ units: 6 }).apply(sequences!, { initialState: states }) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(last) as tf.SymbolicTensor });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomNormal([12, 5, 2], 0, 1, 'float32', 3);
    const y = tf.randomNormal([12, 1], 0, 1, 'float32', 4);
    const snapshots: { tensors: number; bytes: number }[] = [];
    await model.fit(x, y, {
      epochs: 8,
      batchSize: 4,
      verbose: 0,
      callbacks: {
        onEpochEnd: async () => void snapshots.push({ tensors: tf.memory().numTensors, bytes: gpuBytes() }),
      },
    });
    // After a warm-up epoch, every epoch ends with the same live tensors and GPU bytes.
    expect(new Set(snapshots.slice(2).map((s) => s.tensors)).size, JSON.stringify(snapshots)).toBe(1);
    expect(Math.max(...snapshots.slice(2).map((s) => s.bytes))).toBeLessThanOrEqual(snapshots[2]!.bytes);
    tf.dispose([x, y]);
    model.dispose();
  });
});
