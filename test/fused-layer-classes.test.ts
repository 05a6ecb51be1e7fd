import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuseModel } from '../src/model/fuse-model.js';
import { fusedGRU, FusedGRU, FusedLSTM, fusedLSTM, fusedSimpleRNN, FusedSimpleRNN } from '../src/model/fused-layers.js';
import { FusedRNN } from '../src/model/fused-rnn.js';
import { registerKernels } from '../src/model/register-kernels.js';
import { predict, savedClassNames, saveToMemory } from './helpers/models.js';
import { relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Fused against stock layers on the same backend, relative to the largest magnitude.
const TOLERANCE = 1e-5;

const CELLS = [
  { stock: 'SimpleRNN', fused: FusedSimpleRNN, layer: (args: object) => fusedSimpleRNN({ units: 4, ...args }) },
  { stock: 'LSTM', fused: FusedLSTM, layer: (args: object) => fusedLSTM({ units: 4, ...args }) },
  { stock: 'GRU', fused: FusedGRU, layer: (args: object) => fusedGRU({ units: 4, ...args }) },
] as const;

const recurrentLayers = (model: tf.LayersModel): tf.layers.Layer[] =>
  model.layers.flatMap((layer) => {
    const wrapped = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
    return wrapped.forwardLayer
      ? [wrapped.forwardLayer, wrapped.backwardLayer!]
      : layer instanceof tf.RNN
        ? [layer]
        : [];
  });

describe('saving fused layers: under the stock class names, except what stock tfjs cannot build', () => {
  beforeAll(tfjsWebGPU);

  it.each(CELLS)(
    'a model with a fused $stock saves as $stock, loads as stock tfjs layers, and fuseModel makes it fused again',
    async ({ stock, fused, layer }) => {
      const input = tf.input({ shape: [5, 2] });
      const sequences = layer({ returnSequences: true }).apply(input) as tf.SymbolicTensor;
      const both = tf.layers
        .bidirectional({ layer: layer({}) as tf.RNN, mergeMode: 'concat' })
        .apply(sequences) as tf.SymbolicTensor;
      const model = tf.model({
        inputs: input,
        outputs: tf.layers.dense({ units: 1 }).apply(both) as tf.SymbolicTensor,
      });
      expect(
        recurrentLayers(model).every((l) => l instanceof fused),
        'Bidirectional copies its fused layer as fused layers',
      ).toBe(true);

      const saved = await saveToMemory(model);
      const names = savedClassNames(saved);
      expect(names.filter((name) => name === stock)).toHaveLength(2);
      expect(names.join(' ')).not.toMatch(/Fused/);

      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
      expect(recurrentLayers(loaded).map((l) => l instanceof FusedRNN)).toEqual([false, false, false]);
      const fusedAgain = fuseModel(loaded);
      expect(recurrentLayers(fusedAgain).map((l) => l instanceof fused)).toEqual([true, true, true]);

      const x = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 3);
      const expected = await predict(model, x);
      expect(relativeError(await predict(loaded, x), expected), 'loaded stock').toBeLessThan(TOLERANCE);
      expect(relativeError(await predict(fusedAgain, x), expected), 'fused again').toBeLessThan(TOLERANCE);
      tf.dispose(x);
      for (const m of [model, loaded, fusedAgain]) m.dispose();
    },
  );

  it(
    'saves a GRU in resetAfter form as FusedGRU (stock tfjs has no such layer), ' +
      "which loads once the package's classes are registered",
    async () => {
      const model = tf.sequential({
        layers: [
          fusedGRU({ units: 3, resetAfter: true, inputShape: [4, 2], returnSequences: true }),
          tf.layers.bidirectional({ layer: fusedGRU({ units: 2, resetAfter: true }) as tf.RNN }),
        ],
      });
      const saved = await saveToMemory(model);
      expect(savedClassNames(saved).filter((name) => /GRU/.test(name))).toEqual(['FusedGRU', 'FusedGRU']);
      registerKernels();
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
      const layers = recurrentLayers(loaded) as FusedGRU[];
      expect(layers.map((l) => l instanceof FusedGRU && l.resetAfter)).toEqual([true, true, true]);
      expect(layers[0]!.getWeights().map((w) => w.shape)).toEqual([
        [2, 9],
        [3, 9],
        [2, 9],
      ]);
      const x = tf.randomNormal([2, 4, 2], 0, 1, 'float32', 4);
      expect(relativeError(await predict(loaded, x), await predict(model, x))).toBeLessThan(TOLERANCE);
      tf.dispose(x);
      model.dispose();
      loaded.dispose();
    },
  );

  it('leaves stock layers stock: tfjs still builds, clones and loads them as its own classes', async () => {
    fusedLSTM({ units: 2 });
    const bidirectional = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }) as tf.RNN });
    const copies = bidirectional as unknown as { forwardLayer: tf.layers.Layer; backwardLayer: tf.layers.Layer };
    expect([copies.forwardLayer, copies.backwardLayer].map((l) => l instanceof FusedRNN)).toEqual([false, false]);
    const stock = tf.layers.gru({ units: 2 });
    const clone = tf.serialization.SerializationMap.getMap().classNameMap.GRU![1]!(
      tf.serialization.SerializationMap.getMap().classNameMap.GRU![0]!,
      JSON.parse(JSON.stringify(stock.getConfig())),
    );
    expect(clone).not.toBeInstanceOf(FusedRNN);
    expect(clone.getClassName()).toBe('GRU');
  });
});
