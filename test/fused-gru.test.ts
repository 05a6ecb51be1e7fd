import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { fusedGRU } from '../src/model/fused-gru.js';
import { stockGRU } from '../src/model/stock-gru.js';
import { expectCoverage, expectFusedMatchesStock, layerCases, type LayerCase } from './helpers/layer-comparison.js';
import { tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance: fused float32 kernels on webgpu against stock tfjs float32 ops on cpu, relative to
// each output's largest magnitude.
const TOLERANCE = 1e-4;

const cases = layerCases(28, 11);
const args = (c: LayerCase) => ({
  units: c.units,
  activation: c.activation,
  recurrentActivation: c.recurrentActivation,
  returnSequences: c.returnSequences,
  returnState: c.returnState,
  goBackwards: c.goBackwards,
  useBias: c.useBias,
});
const twins = {
  fused: (c: LayerCase) => fusedGRU(args(c)),
  stock: (c: LayerCase) => tf.layers.gru(args(c)),
  states: 1,
  stockOps: (c: LayerCase) => (x: tf.Tensor, states: tf.Tensor[] | null, [kernel, recurrentKernel, bias]: tf.Tensor[]) => {
    const { output, h } = stockGRU(x, kernel!, recurrentKernel!, c.useBias ? bias! : null, { ...c, resetAfter: false, initialState: states?.[0] ?? null });
    return c.returnState ? [output, h] : [output];
  },
};

describe('FusedGRU on webgpu equals tf.layers.gru on cpu', () => {
  beforeAll(tfjsWebGPU);

  it.each(cases)('$name', (c) => expectFusedMatchesStock(c, twins, TOLERANCE));

  it('covers every activation as activation and as recurrentActivation, each flag both ways, and T = 1', () => expectCoverage(cases));
});
