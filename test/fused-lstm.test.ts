import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedLSTM, fusedLSTM } from '../src/model/fused-lstm.js';
import { stockLSTM } from '../src/model/stock-lstm.js';
import { expectCoverage, expectFusedMatchesStock, layerCases, type LayerCase } from './helpers/layer-comparison.js';
import { tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance: fused float32 kernels on webgpu against stock tfjs float32 ops on cpu, relative to
// each output's largest magnitude.
const TOLERANCE = 1e-4;

const cases = layerCases(28, 7);
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
  fused: (c: LayerCase) => fusedLSTM(args(c)),
  stock: (c: LayerCase) => tf.layers.lstm(args(c)),
  states: 2,
  stockOps: (c: LayerCase) => (x: tf.Tensor, states: tf.Tensor[] | null, [kernel, recurrentKernel, bias]: tf.Tensor[]) => {
    const { output, h, c: cell } = stockLSTM(x, kernel!, recurrentKernel!, c.useBias ? bias! : null, { ...c, initialState: states?.[0] ?? null, initialCellState: states?.[1] ?? null });
    return c.returnState ? [output, h, cell] : [output];
  },
};

describe('FusedLSTM on webgpu equals tf.layers.lstm on cpu', () => {
  beforeAll(tfjsWebGPU);

  it.each(cases)('$name', (c) => expectFusedMatchesStock(c, twins, TOLERANCE));

  it('covers every activation as activation and as recurrentActivation, each flag both ways, and T = 1', () => expectCoverage(cases));
});
