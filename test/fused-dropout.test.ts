/**
 * Fused layers with dropout and recurrentDropout in training on webgpu against the stock layers on tfjs's
 * cpu backend given the same masks (one fixed dropoutFunc, layer-twins.ts), for every cell: both
 * directions, returnSequences both ways, with a mask and initial states, inside Bidirectional; and in
 * inference, where both ignore the rates.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELLS } from '../src/kernels/cells.js';
import { fusedLayerOf } from '../src/model/fused-layers.js';
import { expectFusedMatchesStock, sampleOnOpenGL, type LayerCase } from './helpers/layer-comparison.js';
import { layerTwins } from './helpers/layer-twins.js';
import { relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Relative to each output's largest magnitude: float32 kernels on webgpu against float32 ops on cpu.
const TOLERANCE = { outputs: 1e-5, gradients: 1e-4 };

const base = {
  activation: 'tanh',
  recurrentActivation: 'sigmoid',
  returnState: false,
  useBias: true,
  initialState: false,
  batch: 5,
  timesteps: 6,
  features: 3,
} as const;

/** Per cell: both rates on sequences with h0; recurrent only, backwards and masked; input only, Bidirectional. */
const rows = CELLS.flatMap((cell, i) =>
  [
    { returnSequences: true, initialState: true, dropout: { dropout: 0.3, recurrentDropout: 0.4 } },
    {
      returnSequences: false,
      goBackwards: true,
      returnState: true,
      masked: true,
      dropout: { dropout: 0, recurrentDropout: 0.5 },
    },
    { returnSequences: i % 2 === 0, batch: 3, bidirectional: true, dropout: { dropout: 0.25, recurrentDropout: 0 } },
  ].map(({ bidirectional = false, ...c }, j) => {
    const layerCase: LayerCase = { ...base, goBackwards: false, units: 7 - i, ...c, name: '', seed: 90 + 3 * i + j };
    const rates = `dropout ${c.dropout.dropout}, recurrentDropout ${c.dropout.recurrentDropout}`;
    const flags = [
      bidirectional && 'bidirectional',
      layerCase.returnSequences && 'sequences',
      layerCase.goBackwards && 'backwards',
      layerCase.masked && 'masked',
      layerCase.initialState && 'h0',
    ].filter(Boolean);
    return { cell, bidirectional, layerCase, name: `${cell.className} ${rates} ${flags.join(' ')}` };
  }),
);

describe('fused layers with dropout in training on webgpu equal the stock layers on cpu, given the same masks', () => {
  beforeAll(tfjsWebGPU);

  // All 9 on vulkan, 3 on opengl.
  it.each(sampleOnOpenGL(rows, 3))('$name', (r) =>
    expectFusedMatchesStock(
      { ...r.layerCase, name: r.name },
      layerTwins({ cell: r.cell, resetAfter: false, bidirectional: r.bidirectional }),
      TOLERANCE,
    ),
  );
});

describe('dropout outside training', () => {
  beforeAll(tfjsWebGPU);

  it.each(CELLS)('$className ignores the rates in predict, as tfjs does, and draws no mask', async (cell) => {
    const args = { units: 4, dropout: 0.5, recurrentDropout: 0.5, returnSequences: true };
    const Fused = fusedLayerOf(cell);
    const [withRates, without] = [new Fused(args), new Fused({ units: 4, returnSequences: true })];
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 3);
    withRates.apply(x);
    without.apply(x);
    without.setWeights(withRates.getWeights());
    const { kernelNames, result } = await tf.profile(() => withRates.apply(x) as tf.Tensor);
    expect(
      kernelNames.some((name) => /Random|Dropout/.test(name)),
      kernelNames.join(),
    ).toBe(false);
    const reference = without.apply(x) as tf.Tensor;
    expect(relativeError(await (result as tf.Tensor).data(), await reference.data())).toBe(0);
    tf.dispose([x, result as tf.Tensor, reference]);
    withRates.dispose();
    without.dispose();
  });
});
