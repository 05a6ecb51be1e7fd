/**
 * fuseModel on models built as TensorFlow.js's example gallery builds them (bench/lib/gallery-models.ts):
 * every recurrent layer fused (Bidirectional's, stacked ones, those with dropout and masking), predictions
 * on webgpu within 1e-5 of the original model's on cpu, and training losses within 1e-3 of stock on cpu
 * with the same dropout masks (both sides draw them from one deterministic dropoutFunc).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GALLERY, type DropoutFunc, type GalleryModel } from '../bench/lib/gallery-models.js';
import { fuseModel } from '../src/model/fuse-model.js';
import { FusedRNN } from '../src/model/fused-rnn.js';
import { sampleOnOpenGL } from './helpers/layer-comparison.js';
import { fixedDropout } from './helpers/layer-twins.js';
import { onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

const PREDICTIONS = 1e-5;
const LOSSES = 1e-3;
const EPOCHS = 2;

/** Every recurrent layer of the model, Bidirectional's two included. */
function recurrentLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const wrapped = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
    if (wrapped.forwardLayer) return [wrapped.forwardLayer, wrapped.backwardLayer!];
    return layer instanceof tf.RNN ? [layer] : [];
  });
}

async function predictAndFit(g: GalleryModel, model: tf.LayersModel) {
  const predicted = model.predict(g.x) as tf.Tensor;
  const predictions = (await predicted.data()) as Float32Array;
  predicted.dispose();
  const history = await model.fit(g.x, g.y, { epochs: EPOCHS, batchSize: g.batchSize, shuffle: false, verbose: 0 });
  return { predictions, losses: history.history.loss as number[] };
}

describe('fuseModel on gallery-style models: webgpu fused against stock on cpu', () => {
  beforeAll(tfjsWebGPU);

  // All four on vulkan; two on opengl.
  const builds = sampleOnOpenGL(
    GALLERY.map((build) => ({ build, name: build({ size: 'test', seed: 1 }).name })),
    2,
  );

  it.each(builds)('$name', async ({ build }) => {
    const stock = await onBackend('cpu', async () => {
      const g = build({ size: 'test', seed: 5, dropoutFunc: fixedDropout });
      const weights = g.model.getWeights().map((w) => ({ values: w.dataSync().slice(), shape: w.shape }));
      const result = await predictAndFit(g, g.model);
      g.model.dispose();
      tf.dispose([g.x, g.y]);
      return { ...result, weights };
    });
    await tf.setBackend('webgpu');
    const g = build({ size: 'test', seed: 5, dropoutFunc: fixedDropout });
    const fused = fuseModel(g.model);
    g.compile(fused);
    const layers = recurrentLayers(fused);
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) {
      expect(layer, layer.name).toBeInstanceOf(FusedRNN);
      // A function does not survive the config fuseModel rebuilds from: the test gives it again.
      const cell = (layer as tf.RNN).cell as unknown as { dropoutFunc?: DropoutFunc };
      cell.dropoutFunc = fixedDropout;
    }
    const weights = stock.weights.map((w) => tf.tensor(w.values, w.shape));
    fused.setWeights(weights);
    tf.dispose(weights);
    const got = await predictAndFit(g, fused);
    expect(relativeError(got.predictions, stock.predictions), 'predictions').toBeLessThan(PREDICTIONS);
    got.losses.forEach((loss, i) =>
      expect(Math.abs(loss - stock.losses[i]!) / stock.losses[i]!, `epoch ${i} loss`).toBeLessThan(LOSSES),
    );
    g.model.dispose();
    fused.dispose();
    tf.dispose([g.x, g.y]);
  });
});
