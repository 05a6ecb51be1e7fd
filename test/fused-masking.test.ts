/**
 * Masked fused layers (a mask through call(), as Embedding({ maskZero }) and Masking give it) on webgpu
 * against the stock layers on tfjs's cpu backend, for every cell, both directions, returnSequences both
 * ways and inside Bidirectional; and a masked model, which stock tfjs 4.22 cannot run on webgpu.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRU_CELL } from '../src/kernels/gru.js';
import type { CellDefinition } from '../src/kernels/cell.js';
import { CELLS } from '../src/kernels/cells.js';
import { fuseModel } from '../src/model/fuse-model.js';
import { expectFusedMatchesStock, sampleOnOpenGL, type LayerCase } from './helpers/layer-comparison.js';
import { layerTwins } from './helpers/layer-twins.js';
import { onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Relative to each output's largest magnitude: float32 kernels on webgpu against float32 ops on cpu.
const TOLERANCE = { outputs: 1e-5, gradients: 1e-4 };

interface Row {
  cell: CellDefinition;
  resetAfter: boolean;
  bidirectional: boolean;
  case: Omit<LayerCase, 'name' | 'seed' | 'masked'>;
}

const base = {
  activation: 'tanh',
  recurrentActivation: 'sigmoid',
  returnState: false,
  useBias: true,
  initialState: false,
} as const;

/**
 * Per cell: sequences forwards with h0, the last output backwards with returnState, and Bidirectional
 * (but for resetAfter, whose stock twin tf.layers.rnn cannot copy: sequences backwards).
 */
const rows: Row[] = [...CELLS, GRU_CELL].flatMap((cell, i) => {
  const resetAfter = i === CELLS.length;
  const shape = { batch: 5, timesteps: 6, features: 3, units: 7 - i };
  return [
    { ...shape, returnSequences: true, goBackwards: false, initialState: true, bidirectional: false },
    { ...shape, returnSequences: false, goBackwards: true, returnState: true, bidirectional: false },
    {
      ...shape,
      batch: 3,
      returnSequences: i % 2 === 0 || resetAfter,
      goBackwards: resetAfter,
      bidirectional: !resetAfter,
    },
  ].map(({ bidirectional, ...c }) => ({ cell, resetAfter, bidirectional, case: { ...base, ...c } }));
});

const name = (r: Row) =>
  `${r.cell.className}${r.resetAfter ? ' resetAfter' : ''}${r.bidirectional ? ' bidirectional' : ''} ` +
  `B${r.case.batch} T${r.case.timesteps} U${r.case.units}` +
  `${r.case.returnSequences ? ' sequences' : ''}${r.case.goBackwards ? ' backwards' : ''}` +
  `${r.case.returnState ? ' state' : ''}${r.case.initialState ? ' h0' : ''}`;

describe('masked fused layers on webgpu equal the stock layers on cpu', () => {
  beforeAll(tfjsWebGPU);

  // All 12 on vulkan, 4 on opengl.
  it.each(sampleOnOpenGL(rows, 3).map((r, i) => ({ ...r, name: name(r), seed: 70 + i })))('$name', (r) =>
    expectFusedMatchesStock({ ...r.case, name: r.name, seed: r.seed, masked: true }, layerTwins(r), TOLERANCE),
  );
});

describe('an Embedding({ maskZero }) model on webgpu, fused', () => {
  beforeAll(tfjsWebGPU);

  // Zero-padded token sequences, as sentiment models are fed: padding on both sides, one row all padding.
  const tokens = [
    [0, 0, 3, 7, 2, 9],
    [4, 1, 8, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [5, 6, 2, 9, 1, 3],
  ];
  const labels = [[1], [0], [1], [0]];

  const compiled = (m: tf.LayersModel) => {
    // By name, so that the model owns (and disposes) its optimizer.
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    return m;
  };
  const model = () =>
    compiled(
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: 6 }),
          tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5 }) as tf.RNN }),
          tf.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
    );

  it('predicts and trains as the stock model on cpu (1e-5 predictions, 1e-4 losses)', async () => {
    const stock = await onBackend('cpu', async () => {
      const m = model();
      const weights = m.getWeights().map((w) => ({ values: w.arraySync(), shape: w.shape }));
      const x = tf.tensor2d(tokens);
      const predictions = (m.predict(x) as tf.Tensor).dataSync().slice();
      const history = await m.fit(x, tf.tensor2d(labels), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
      m.dispose();
      return { weights, predictions, losses: history.history.loss as number[] };
    });
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    const original = model();
    const fused = compiled(fuseModel(original));
    expect(fused.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'Bidirectional', 'Dense']);
    const weights = stock.weights.map((w) => tf.tensor(w.values as number[], w.shape));
    fused.setWeights(weights);
    tf.dispose(weights);
    const [x, y] = [tf.tensor2d(tokens), tf.tensor2d(labels)];
    let predicted: tf.Tensor | undefined;
    const { kernels } = await tf.profile(() => {
      predicted = fused.predict(x) as tf.Tensor;
    });
    // tfjs's webgpu Transpose fails to compile for the bool mask (tfjs#8638): the mask goes straight
    // to the fused kernels.
    expect(kernels.map((k) => k.name)).not.toContain('Transpose');
    const predictions = await predicted!.data();
    const history = await fused.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(relativeError(predictions, stock.predictions)).toBeLessThan(1e-5);
    // The all-padding row sees only the zero state: the prediction of the bias alone, not garbage.
    expect(predictions[2]).toBeCloseTo(stock.predictions[2]!, 5);
    (history.history.loss as number[]).forEach((loss, i) => expect(loss).toBeCloseTo(stock.losses[i]!, 4));
    tf.dispose([x, y, predicted!]);
    original.dispose();
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
