/**
 * Converted weights where users put them: the fused layers on WebGPU (createRecurrentLayer, what
 * createSimpleRNN, createLSTM and createGRU are), the standalone trainer's setWeights and stock tfjs's
 * setWeights (Bidirectional included) reproduce PyTorch's and ONNX's outputs (test/golden/convert-weights.json)
 * within 1e-5.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createFloat32Buffer } from '../src/gpu/buffers.js';
import { cellById } from '../src/kernels/cells.js';
import { createRecurrentLayer } from '../src/kernels/recurrent-layer.js';
import { convertWeights, createTrainer, type WeightSource } from '../src/index.js';
import { relativeError } from './helpers/data.js';
import { goldenCase, runStack, type RunDirection } from './helpers/golden-weights.js';
import { onBackend } from './helpers/tfjs.js';
import { getDevice, readBuffers, TEST_BACKEND } from './helpers/webgpu.js';

const TOLERANCE = 1e-5;

describe('converted weights on the GPU, in the trainer and in tfjs', async () => {
  const device = await getDevice();

  const layerRun: RunDirection = async (cell, { config, kernel, recurrentKernel, bias }, x, shape) => {
    const layer = createRecurrentLayer(device, cellById(cell), { ...shape, ...config });
    const inputs = Object.fromEntries(
      Object.entries({ x, kernel, recurrentKernel, bias }).map(([name, data]) => [
        name,
        data && createFloat32Buffer(device, data),
      ]),
    );
    const encoder = device.createCommandEncoder();
    const outputs = layer.encodeForward(encoder, inputs) as Record<string, GPUBuffer | null>;
    device.queue.submit([encoder.finish()]);
    const [h, c] = await readBuffers(device, cell === 'lstm' ? [outputs.h!, outputs.c!] : [outputs.h!]);
    for (const buffer of [...Object.values(inputs), ...Object.values(outputs)]) buffer?.destroy();
    layer.destroy();
    return { h: h!, ...(c ? { c } : {}) };
  };

  // Each cell and GRU form; on llvmpipe, where a gated cell's pipelines are slow to compile, two of them.
  const layerCases = [
    'nn.GRU, 2 layers, bidirectional',
    'ONNX RNN (exported nn.RNN relu), bidirectional',
    'nn.LSTM, 2 layers, bidirectional',
    "ONNX GRU linear_before_reset 0 (ONNX's reference)",
  ].slice(0, TEST_BACKEND === 'opengl' ? 2 : 4);

  it.each(layerCases)('the fused layers: %s', async (name) => {
    const golden = goldenCase(name);
    const out = await runStack(convertWeights(golden.source), golden.x, layerRun);
    expect(relativeError(out.y, golden.y.data), 'y').toBeLessThan(TOLERANCE);
    expect(relativeError(out.h, golden.h.data), 'final h').toBeLessThan(TOLERANCE);
    if (golden.c) expect(relativeError(out.c!, golden.c.data), 'final c').toBeLessThan(TOLERANCE);
  });

  it("the trainer: nn.RNN relu's weights, then a Dense head's, predict from PyTorch's last state", async () => {
    const golden = goldenCase('nn.RNN relu');
    const converted = convertWeights(golden.source as WeightSource<'simpleRNN'>);
    const [batch, timesteps, features] = golden.x.shape as [number, number, number];
    const { units, activation } = converted.layers[0]![0]!.config;
    const trainer = await createTrainer(device, { timesteps, features, units, outputs: 1, activation });
    const dense = { kernel: [0.1, -0.2, 0.3, -0.4, 0.5], bias: 0.25 };
    trainer.setWeights([...converted.weights, Float32Array.from(dense.kernel), Float32Array.of(dense.bias)]);
    const predicted = await trainer.predict({ data: Float32Array.from(golden.x.data), shape: golden.x.shape });
    trainer.destroy();
    // h_n [1, batch, units] through the head
    const expected = Array.from({ length: batch }, (_, b) =>
      dense.kernel.reduce((sum, k, u) => sum + k * golden.h.data[b * units + u]!, dense.bias),
    );
    expect(relativeError(predicted, expected)).toBeLessThan(TOLERANCE);
  });

  it("stock tfjs: two Bidirectional LSTMs take an nn.LSTM's weights in setWeights' order", async () => {
    const golden = goldenCase('nn.LSTM, 2 layers, bidirectional');
    const converted = convertWeights(golden.source as WeightSource<'lstm'>);
    const y = await onBackend('cpu', () =>
      tf.tidy(() => {
        const [, timesteps, features] = golden.x.shape as [number, number, number];
        const model = tf.sequential({
          layers: converted.layers.map((directions, k) =>
            tf.layers.bidirectional({
              layer: tf.layers.lstm({ ...directions[0]!.config, returnSequences: true }) as tf.RNN,
              ...(k === 0 ? { inputShape: [timesteps, features] } : {}),
            }),
          ),
        });
        model.setWeights(converted.weights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
        return (model.predict(tf.tensor(golden.x.data, golden.x.shape)) as tf.Tensor).dataSync();
      }),
    );
    expect(relativeError(y, golden.y.data)).toBeLessThan(TOLERANCE);
  });
});
