import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fuseModel } from '../src/model/fuse-model.js';
import { FusedGRU, FusedLSTM, FusedSimpleRNN } from '../src/model/fused-layers.js';
import { FusedRNN } from '../src/model/fused-rnn.js';
import { predict, weightArrays } from './helpers/models.js';
import { gpuBytes, relativeError, tfjsWebGPU } from './helpers/tfjs.js';
import { TEST_BACKEND } from './helpers/webgpu.js';

// Predictions of the fused model against the original's on the same backend, relative to the largest magnitude.
const TOLERANCE = 1e-5;

/** The recurrent layers, Bidirectional's two copies included, in order. */
function recurrentLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const wrapped = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
    return wrapped.forwardLayer
      ? [wrapped.forwardLayer, wrapped.backwardLayer!]
      : layer instanceof tf.RNN
        ? [layer]
        : [];
  });
}

const kinds = (model: tf.LayersModel) =>
  recurrentLayers(model).map((l) =>
    l instanceof FusedRNN
      ? `Fused${l.constructor === FusedSimpleRNN ? 'SimpleRNN' : l.constructor === FusedLSTM ? 'LSTM' : 'GRU'}`
      : l.getClassName(),
  );

/**
 * Fuses `model`, then checks predictions, that the original is untouched, fit, and that disposing the fused model
 * frees all it took.
 */
async function expectFused(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor | tf.Tensor[]): Promise<tf.LayersModel> {
  const before = await weightArrays(model);
  const stockKinds = kinds(model);
  const expected = await predict(model, x); // its weights are on the GPU from here
  const memory = { tensors: tf.memory().numTensors, bytes: gpuBytes() };
  const fused = fuseModel(model);
  expect(fused).not.toBe(model);
  expect(fused.getClassName()).toBe(model.getClassName());
  expect(kinds(model), 'the original keeps its layers').toEqual(stockKinds);
  expect(relativeError(await predict(fused, x), expected), 'predictions').toBeLessThan(TOLERANCE);

  fused.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const history = await fused.fit(x, y, { epochs: 5, verbose: 0 });
  const loss = history.history.loss as number[];
  expect(loss.every(Number.isFinite)).toBe(true);
  expect(loss.at(-1)!).toBeLessThan(loss[0]!);
  expect(await weightArrays(model), 'training the fused model leaves the original weights alone').toEqual(before);
  fused.optimizer.dispose();
  fused.dispose();
  expect(
    { tensors: tf.memory().numTensors, bytes: gpuBytes() },
    'nothing left after disposing the fused model',
  ).toEqual(memory);
  return model;
}

describe('fuseModel', () => {
  beforeAll(tfjsWebGPU);
  afterEach(() => vi.restoreAllMocks());

  it('fuses a sequential model of stacked SimpleRNN, LSTM and GRU layers', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 6, returnSequences: true, inputShape: [4, 3], unitForgetBias: true }),
        tf.layers.gru({ units: 5, returnSequences: true, goBackwards: true }),
        tf.layers.simpleRNN({ units: 4, activation: 'relu' }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    expect(kinds(fuseModel(model))).toEqual(['FusedLSTM', 'FusedGRU', 'FusedSimpleRNN']);
    const x = tf.randomNormal([8, 4, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([8, 2], 0, 1, 'float32', 2);
    await expectFused(model, x, y);
    tf.dispose([x, y]);
    model.dispose();
  });

  // Every merge mode on vulkan; concat and null (two outputs) on opengl, where each takes seconds more.
  it.each(TEST_BACKEND === 'opengl' ? (['concat', null] as const) : (['concat', 'sum', 'mul', 'ave', null] as const))(
    'fuses a functional model with Bidirectional layers (mergeMode %s), returnState and initial states',
    async (mergeMode) => {
      // Seeded initializers: with unseeded ones, float32's differences in order of summation (and
      // 'mul' multiplying two of them) crossed the tolerance in one run in many.
      const seeded = (seed: number) => ({
        kernelInitializer: tf.initializers.glorotNormal({ seed }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
      });
      const input = tf.input({ shape: [5, 2] });
      const [sequences, h, c] = tf.layers
        .lstm({ units: 3, returnSequences: true, returnState: true, ...seeded(10) })
        .apply(input) as tf.SymbolicTensor[];
      const merged = tf.layers
        .bidirectional({
          layer: tf.layers.gru({ units: 3, returnSequences: true, ...seeded(20) }) as tf.RNN,
          mergeMode: mergeMode as never,
        })
        .apply(sequences!) as tf.SymbolicTensor | tf.SymbolicTensor[];
      const branches = Array.isArray(merged) ? merged : [merged];
      // The layer with initial states runs last: tfjs 4.22's executor hands one kwargs object to every
      // layer in training, and RNN.apply leaves initialState in it for the layers after.
      const heads = branches
        .slice(1)
        .map(
          (b, i) =>
            tf.layers
              .dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 30 + i }) })
              .apply(tf.layers.flatten().apply(b)) as tf.SymbolicTensor,
        );
      const last = tf.layers
        .lstm({ units: 3, ...seeded(40) })
        .apply(branches[0]!, { initialState: [h!, c!] }) as tf.SymbolicTensor;
      const outputs = [
        ...heads,
        tf.layers
          .dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 50 }) })
          .apply(last) as tf.SymbolicTensor,
      ];
      const model = tf.model({ inputs: input, outputs });
      expect(kinds(fuseModel(model))).toEqual(['FusedLSTM', 'FusedGRU', 'FusedGRU', 'FusedLSTM']);
      const x = tf.randomNormal([6, 5, 2], 0, 1, 'float32', 3);
      const y = outputs.map((_, i) => tf.randomNormal([6, 1], 0, 1, 'float32', 4 + i));
      await expectFused(model, x, y);
      tf.dispose([x, ...y]);
      model.dispose();
    },
  );

  it('fuses masked layers and dropout; keeps what the kernels cannot run stock and lists it in one warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const masked = tf.sequential({
      layers: [
        tf.layers.masking({ inputShape: [4, 2] }),
        tf.layers.lstm({ units: 3, returnSequences: true }),
        tf.layers.simpleRNN({ units: 3 }),
      ],
    });
    const options = tf.sequential({
      layers: [
        tf.layers.gru({ units: 3, inputShape: [4, 2], dropout: 0.2, returnSequences: true }),
        tf.layers.lstm({ units: 3, returnSequences: true }),
        tf.layers.simpleRNN({ units: 2, recurrentDropout: 0.1, activation: 'softmax' }),
      ],
    });
    const fusedMasked = fuseModel(masked);
    expect(kinds(fusedMasked)).toEqual(['FusedLSTM', 'FusedSimpleRNN']);
    expect(warn).not.toHaveBeenCalled();
    const fusedOptions = fuseModel(options);
    expect(kinds(fusedOptions)).toEqual(['FusedGRU', 'FusedLSTM', 'SimpleRNN']);
    expect(String(warn.mock.calls[0]![0])).toMatch(
      new RegExp(
        '^fuseModel: 1 recurrent layer\\(s\\) stay stock:' +
          "\\n  simple_rnn_SimpleRNN\\d+ \\(SimpleRNN\\): .*activation: 'softmax'",
      ),
    );
    for (const m of [masked, options, fusedMasked, fusedOptions]) m.dispose();
  });

  it('gives the same fused model for a fused one (its layers answer their stock class names)', async () => {
    const model = tf.sequential({
      layers: [new FusedGRU({ units: 3, inputShape: [2, 1] }), tf.layers.dense({ units: 1 })],
    });
    const again = fuseModel(model);
    expect(kinds(again)).toEqual(['FusedGRU']);
    const x = tf.ones([2, 2, 1]);
    expect(await predict(again, x)).toEqual(await predict(model, x));
    tf.dispose(x);
    model.dispose();
    again.dispose();
  });

  it('names the argument on misuse', () => {
    expect(() => fuseModel(null as never)).toThrow(/^fuseModel: model: expected a tf\.LayersModel .*got null$/);
    expect(() => fuseModel(tf.layers.lstm({ units: 2 }) as never)).toThrow(
      /^fuseModel: model: expected a tf\.LayersModel/,
    );
  });
});
