import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { fusedLSTM } from '../src/model/fused-layers.js';
import { LSTM, LSTM_GRAD } from '../src/model/kernel-names.js';
import { stock } from '../src/model/ops.js';
import {
  expectCoverage,
  expectFusedMatchesStock,
  expectOneKernelPerPass,
  layerCases,
  sampleOnOpenGL,
  type LayerCase,
} from './helpers/layer-comparison.js';
import { tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance: fused float32 kernels on webgpu against stock tfjs float32 ops on cpu, relative to
// each output's largest magnitude.
const TOLERANCE = 1e-4;

const cases = layerCases(24, 7);
const args = (c: LayerCase) => ({
  units: c.units,
  activation: c.activation,
  recurrentActivation: c.recurrentActivation,
  returnSequences: c.returnSequences,
  returnState: c.returnState,
  goBackwards: c.goBackwards,
  useBias: c.useBias,
  // Seeded: unseeded initializers drew other weights each run (the fused twin's are overwritten).
  kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }),
  recurrentInitializer: tf.initializers.orthogonal({ seed: c.seed + 1 }),
});
const twins = {
  fused: (c: LayerCase) => fusedLSTM(args(c)),
  stock: (c: LayerCase) => tf.layers.lstm(args(c)),
  states: 2,
  stockOps:
    (c: LayerCase) =>
    (x: tf.Tensor, states: tf.Tensor[] | null, [kernel, recurrentKernel, bias]: tf.Tensor[]) => {
      const [output, h, cell] = stock.lstm(x, kernel!, recurrentKernel!, c.useBias ? bias! : null, {
        ...c,
        returnState: true,
        initialState: states?.[0] ?? null,
        initialCellState: states?.[1] ?? null,
      });
      return c.returnState ? [output, h, cell] : [output];
    },
};

describe('FusedLSTM on webgpu equals tf.layers.lstm on cpu', () => {
  beforeAll(tfjsWebGPU);

  // All 24 on vulkan, 6 on opengl (see sampleOnOpenGL).
  it.each(sampleOnOpenGL(cases, 4))('$name', (c) => expectFusedMatchesStock(c, twins, TOLERANCE));

  it('covers every activation as activation and as recurrentActivation, each flag both ways, and T = 1', () =>
    expectCoverage(cases));

  it.each([false, true])(
    'runs on the fused kernels: one forward and one backward kernel per backward pass (returnState %s)',
    (returnState) =>
      expectOneKernelPerPass(
        fusedLSTM({ units: 4, returnSequences: true, returnState }),
        [LSTM, LSTM_GRAD],
        tf.randomNormal([2, 3, 2], 0, 1, 'float32', 1),
      ),
  );
});
