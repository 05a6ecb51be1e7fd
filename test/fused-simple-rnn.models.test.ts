import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedSimpleRNN, fusedSimpleRNN } from '../src/model/fused-layers.js';
import { predict, weightArrays, weightTensors as tensors } from './helpers/models.js';
import { onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance for the fused layer on webgpu against stock layers on cpu (relative to the largest
// magnitude of each output). What the three fused layers share in models is in fused-rnn.models.test.ts.
const TOLERANCE = 1e-4;

describe('FusedSimpleRNN in models', () => {
  beforeAll(tfjsWebGPU);

  it(
    'round-trips through model.save and tf.loadLayersModel as a stock SimpleRNN, ' + 'with identical predictions',
    async () => {
      const model = tf.sequential({
        layers: [
          fusedSimpleRNN({ units: 6, activation: 'relu', inputShape: [4, 2], goBackwards: true }),
          tf.layers.dense({ units: 2 }),
        ],
      });
      let saved: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          saved = artifacts;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
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
    },
  );

  it.each(['concat', 'sum', 'mul', 'ave', null] as const)(
    'works inside tf.layers.bidirectional (mergeMode %s), the backward copy running backwards',
    async (mergeMode) => {
      const build = (fused: boolean) => {
        const layer = (fused ? fusedSimpleRNN : tf.layers.simpleRNN)({ units: 3, returnSequences: true });
        const input = tf.input({ shape: [5, 2] });
        const output = tf.layers
          .bidirectional({ layer: layer as tf.RNN, mergeMode: mergeMode as never })
          .apply(input) as tf.SymbolicTensor | tf.SymbolicTensor[];
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
    },
  );

  it('follows tf.layers.timeDistributed in a functional model, forward and gradients', async () => {
    const build = (fused: boolean) => {
      const input = tf.input({ shape: [4, 3] });
      const projected = tf.layers
        .timeDistributed({ layer: tf.layers.dense({ units: 5, activation: 'tanh' }) })
        .apply(input) as tf.SymbolicTensor;
      const recurrent = (fused ? fusedSimpleRNN : tf.layers.simpleRNN)({ units: 6, activation: 'gelu' }).apply(
        projected,
      ) as tf.SymbolicTensor;
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
    got.forEach((g, i) =>
      expect(relativeError(g, reference.grads[i]!), fused.trainableWeights[i]!.name).toBeLessThan(TOLERANCE),
    );
    fused.dispose();
  });

  it('names a config field of the wrong kind (stock tfjs would take returnSequences: 1 as true)', () => {
    const cases: [object, RegExp][] = [
      [{ units: 4, returnSequences: 1 }, /^fusedSimpleRNN: returnSequences: expected a boolean; got 1$/],
      [{ units: 4, returnState: 'yes' }, /^fusedSimpleRNN: returnState: expected a boolean; got "yes"$/],
      [{ units: 4, goBackwards: 1 }, /^fusedSimpleRNN: goBackwards: expected a boolean; got 1$/],
      [{ units: 4, useBias: 'no' }, /^fusedSimpleRNN: useBias: expected a boolean; got "no"$/],
      [{ units: 4, dropout: Number.NaN }, /^fusedSimpleRNN: dropout: expected a number in \[0, 1\); got NaN$/],
      [
        { units: 4, recurrentDropout: '0.5' },
        /^fusedSimpleRNN: recurrentDropout: expected a number in \[0, 1\); got "0\.5"$/,
      ],
    ];
    for (const [config, message] of cases) expect(() => fusedSimpleRNN(config as never)).toThrow(message);
  });
});
