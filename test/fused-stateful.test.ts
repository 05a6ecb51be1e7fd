/**
 * Stateful fused layers (the final states of one call are the next call's initial states, kept as
 * tensors of the backend: on webgpu, on the GPU) against stateful stock layers on cpu: in predict, after
 * resetStates() with and without values, in model.fit without shuffling, and streaming one timestep a
 * call; unroll accepted and run fused.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELLS } from '../src/kernels/cells.js';
import { fusedLayerOf } from '../src/model/fused-layers.js';
import type { FusedLayerArgs } from '../src/model/fused-rnn.js';
import { sampleOnOpenGL } from './helpers/layer-comparison.js';
import { onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Relative to each output's largest magnitude: fused float32 kernels on webgpu against float32 ops on cpu.
const FORWARD = 1e-5;
const LOSSES = 1e-3;

const [B, T, F, U] = [3, 4, 2, 5];
const stockLayer = (id: string, args: FusedLayerArgs) =>
  (tf.layers as unknown as Record<string, (a: object) => tf.layers.Layer>)[id]!(args);

/** A stateful recurrent layer and a Dense head, with weights drawn from `seed`. */
function model(layer: (args: FusedLayerArgs) => tf.layers.Layer, seed: number, extra: object = {}) {
  const m = tf.sequential({
    layers: [
      layer({
        units: U,
        stateful: true,
        batchInputShape: [B, T, F],
        returnSequences: true,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
        ...extra,
      }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}

const chunks = Array.from({ length: 3 }, (_, i) => tf.randomNormal([B, T, F], 0, 1, 'float32', 40 + i));
const targets = Array.from({ length: 3 }, (_, i) => tf.randomNormal([B, T, 1], 0, 1, 'float32', 50 + i));

/** Predictions for each chunk in turn, then after resetStates(), then after resetStates(values). */
async function run(m: tf.Sequential): Promise<Float32Array[]> {
  const recurrent = m.layers[0] as tf.RNN;
  const out: Float32Array[] = [];
  const predict = async (x: tf.Tensor) => {
    const y = m.predict(x) as tf.Tensor;
    out.push((await y.data()) as Float32Array);
    y.dispose();
  };
  for (const x of chunks) await predict(x);
  recurrent.resetStates();
  await predict(chunks[0]!);
  const values = recurrent.states.map((_, i) => tf.fill([B, U], 0.25 * (i + 1)));
  recurrent.resetStates(values);
  tf.dispose(values);
  await predict(chunks[1]!);
  return out;
}

describe('stateful fused layers on webgpu equal stateful stock layers on cpu', () => {
  beforeAll(tfjsWebGPU);

  // Every cell on vulkan; SimpleRNN on opengl (the streaming test runs LSTM there).
  const cells = sampleOnOpenGL(
    CELLS.map((cell) => ({ cell, name: cell.className })),
    CELLS.length,
  );

  it.each(cells)(
    '$name: predict carries the states; resetStates() zeros them, resetStates(values) sets them',
    async ({ cell }) => {
      const stock = await onBackend('cpu', async () => {
        const m = model((a) => stockLayer(cell.id, a), 7);
        const result = { weights: m.getWeights().map((w) => w.arraySync()), outputs: await run(m) };
        m.dispose();
        return result;
      });
      await tf.setBackend('webgpu');
      const before = tf.memory().numTensors;
      const m = model((a) => new (fusedLayerOf(cell))(a), 7);
      const outputs = await run(m);
      outputs.forEach((o, i) => expect(relativeError(o, stock.outputs[i]!), `call ${i}`).toBeLessThan(FORWARD));
      // The calls differ: the states really carried.
      expect(relativeError(outputs[0]!, outputs[1]!)).toBeGreaterThan(1e-3);
      expect(relativeError(outputs[3]!, outputs[0]!)).toBe(0);
      m.dispose();
      expect(tf.memory().numTensors, 'every kept state disposed with the model').toBe(before);
    },
  );

  it.each(cells)('$name: model.fit without shuffling trains as stock (losses within 1e-3)', async ({ cell }) => {
    const x = tf.concat(chunks);
    const y = tf.concat(targets);
    const fit = async (m: tf.Sequential) => {
      const history = await m.fit(x, y, { batchSize: B, epochs: 3, shuffle: false, verbose: 0 });
      return history.history.loss as number[];
    };
    const stock = await onBackend('cpu', async () => {
      const m = model((a) => stockLayer(cell.id, a), 9);
      const losses = await fit(m);
      m.dispose();
      return losses;
    });
    await tf.setBackend('webgpu');
    const m = model((a) => new (fusedLayerOf(cell))(a), 9);
    const losses = await fit(m);
    losses.forEach((loss, i) => expect(Math.abs(loss - stock[i]!) / stock[i]!, `epoch ${i}`).toBeLessThan(LOSSES));
    m.dispose();
    tf.dispose([x, y]);
  });

  it('streams one timestep a call (batch 1) exactly as one call over the whole sequence', async () => {
    await tf.setBackend('webgpu');
    const cell = CELLS.find((c) => c.id === 'lstm')!;
    const Fused = fusedLayerOf(cell);
    const steps = 9;
    const args = { units: U, returnSequences: true, kernelInitializer: 'glorotUniform' };
    const whole = new Fused({ ...args, inputShape: [steps, F] });
    const streaming = new Fused({ ...args, stateful: true, batchInputShape: [1, 1, F] });
    const sequence = tf.randomNormal([1, steps, F], 0, 1, 'float32', 3);
    const expected = whole.apply(sequence) as tf.Tensor;
    streaming.apply(tf.zeros([1, 1, F])) as tf.Tensor;
    streaming.resetStates();
    streaming.setWeights(whole.getWeights());
    const frames = tf.unstack(sequence, 1).map((frame) => streaming.apply(tf.expandDims(frame, 1)) as tf.Tensor);
    const streamed = tf.concat(frames, 1);
    expect(relativeError(await streamed.data(), await expected.data())).toBeLessThan(FORWARD);
    whole.dispose();
    streaming.dispose();
  });

  it("refuses another batch size (tfjs checks the layer's input spec); unroll runs fused as without it", async () => {
    await tf.setBackend('webgpu');
    const cell = CELLS[0]!;
    const m = model((a) => new (fusedLayerOf(cell))(a), 3);
    const other = tf.zeros([B + 1, T, F]);
    expect(() => m.predict(other, { batchSize: B + 1 })).toThrow(
      /^Input 0 is incompatible with layer simple_rnn_SimpleRNN\d+: expected shape=3,,2, found shape=4,4,2\.$/,
    );
    const unrolled = new (fusedLayerOf(cell))({ units: U, unroll: true, returnSequences: true });
    const plain = new (fusedLayerOf(cell))({ units: U, returnSequences: true });
    unrolled.apply(chunks[0]!);
    plain.apply(chunks[0]!);
    plain.setWeights(unrolled.getWeights());
    const [a, b] = [unrolled.apply(chunks[0]!) as tf.Tensor, plain.apply(chunks[0]!) as tf.Tensor];
    expect(await a.data()).toEqual(await b.data());
    tf.dispose([other, a, b]);
    for (const l of [unrolled, plain]) l.dispose();
    m.dispose();
  });
});
