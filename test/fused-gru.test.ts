import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveGRUConfig } from '../src/kernels/gru.js';
import { gruBackwardRef, gruForwardRef } from '../src/kernels/gru.ref.js';
import { expandLastStep, lastStates } from '../src/kernels/simple-rnn.ref.js';
import { fusedGRU } from '../src/model/fused-layers.js';
import { twinCellClass } from '../src/model/twin-cell.js';
import { GRU_CELL } from '../src/kernels/gru.js';
import { GRU, GRU_GRAD } from '../src/model/kernel-names.js';
import { stock } from '../src/model/ops.js';
import {
  expectCoverage,
  expectFusedMatchesStock,
  expectOneKernelPerPass,
  layerCases,
  sampleOnOpenGL,
  type LayerCase,
} from './helpers/layer-comparison.js';
import { random } from './helpers/data.js';
import { relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance: fused float32 kernels on webgpu against stock tfjs float32 ops on cpu, relative to
// each output's largest magnitude.
const TOLERANCE = 1e-4;

const cases = layerCases(24, 11);
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
  fused: (c: LayerCase) => fusedGRU(args(c)),
  stock: (c: LayerCase) => tf.layers.gru(args(c)),
  states: 1,
  stockOps:
    (c: LayerCase) =>
    (x: tf.Tensor, states: tf.Tensor[] | null, [kernel, recurrentKernel, bias]: tf.Tensor[]) => {
      const [output, h] = stock.gru(x, kernel!, recurrentKernel!, c.useBias ? bias! : null, {
        ...c,
        resetAfter: false,
        returnState: true,
        initialState: states?.[0] ?? null,
      });
      return c.returnState ? [output, h] : [output];
    },
};

describe('FusedGRU on webgpu equals tf.layers.gru on cpu', () => {
  beforeAll(tfjsWebGPU);

  // All 24 on vulkan, 6 on opengl (see sampleOnOpenGL).
  it.each(sampleOnOpenGL(cases, 4))('$name', (c) => expectFusedMatchesStock(c, twins, TOLERANCE));

  it('covers every activation as activation and as recurrentActivation, each flag both ways, and T = 1', () =>
    expectCoverage(cases));

  it.each([false, true])(
    'runs on the fused kernels: one forward and one backward kernel per backward pass (returnState %s)',
    (returnState) =>
      expectOneKernelPerPass(
        fusedGRU({ units: 4, returnSequences: true, returnState }),
        [GRU, GRU_GRAD],
        tf.randomNormal([2, 3, 2], 0, 1, 'float32', 1),
      ),
  );
});

// resetAfter: the fused layer on webgpu against the float64 reference (tf.layers.gru has no such
// form) and against central finite differences of that reference's forward, relative to each
// output's largest magnitude.
const RESET_AFTER_TOLERANCE = 1e-4;
const FD_STEP = 1e-5;
const FD_SAMPLES = 40;

const resetAfterCases = [
  {
    batch: 3,
    timesteps: 4,
    features: 2,
    units: 5,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    returnSequences: false,
    goBackwards: false,
    useBias: true,
    initialState: false,
  },
  {
    batch: 2,
    timesteps: 3,
    features: 3,
    units: 4,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    returnSequences: true,
    goBackwards: true,
    useBias: true,
    initialState: true,
  },
  {
    batch: 1,
    timesteps: 1,
    features: 2,
    units: 3,
    activation: 'softsign',
    recurrentActivation: 'sigmoid',
    returnSequences: false,
    goBackwards: false,
    useBias: true,
    initialState: true,
  },
  {
    batch: 4,
    timesteps: 5,
    features: 1,
    units: 7,
    activation: 'elu',
    recurrentActivation: 'hardSigmoid',
    returnSequences: true,
    goBackwards: false,
    useBias: false,
    initialState: false,
  },
  {
    batch: 2,
    timesteps: 2,
    features: 2,
    units: 17,
    activation: 'gelu',
    recurrentActivation: 'sigmoid',
    returnSequences: false,
    goBackwards: true,
    useBias: true,
    initialState: true,
  },
] as const;

describe(
  "FusedGRU with resetAfter (Keras's form, bias [2, 3U]) " + 'against the float64 reference and finite differences',
  () => {
    beforeAll(tfjsWebGPU);

    it.each(resetAfterCases)(
      'B$batch T$timesteps F$features U$units $activation/$recurrentActivation ' +
        'sequences $returnSequences backwards $goBackwards bias $useBias h0 $initialState',
      async (c) => {
        await tf.setBackend('webgpu');
        const r = random(c.batch * 1000 + c.units);
        const values = (n: number, scale = 1) => Array.from({ length: n }, () => (r() * 2 - 1) * scale);
        const { batch: B, timesteps: T, features: F, units: U } = c;
        const params: Record<string, number[]> = {
          x: values(B * T * F),
          kernel: values(F * 3 * U, 0.5),
          recurrentKernel: values(U * 3 * U, 0.5),
          ...(c.useBias ? { bias: values(2 * 3 * U, 0.3) } : {}),
          ...(c.initialState ? { initialState: values(B * U) } : {}),
        };
        const w = values(B * (c.returnSequences ? T : 1) * U);
        const { activation, recurrentActivation, goBackwards, useBias } = c;
        const config = resolveGRUConfig({
          batch: B,
          timesteps: T,
          features: F,
          units: U,
          activation,
          recurrentActivation,
          goBackwards,
          useBias,
          useInitialState: c.initialState,
          resetAfter: true,
        });

        const layer = fusedGRU({
          units: U,
          activation: c.activation,
          recurrentActivation: c.recurrentActivation,
          resetAfter: true,
          returnSequences: c.returnSequences,
          goBackwards: c.goBackwards,
          useBias: c.useBias,
        });
        tf.dispose(layer.apply(tf.zeros([B, T, F])) as tf.Tensor);
        expect(layer.getWeights().map((t) => t.shape)).toEqual([
          [F, 3 * U],
          [U, 3 * U],
          ...(c.useBias ? [[2, 3 * U]] : []),
        ]);
        // A Keras GRU's weights, as Keras saves them, load as they are.
        layer.setWeights(
          ['kernel', 'recurrentKernel', ...(c.useBias ? ['bias'] : [])].map((name, i) =>
            tf.tensor(params[name]!, layer.getWeights()[i]!.shape),
          ),
        );
        const tensors = tf.tidy(() => {
          const x = tf.tensor3d(params.x!, [B, T, F]);
          const h0 = c.initialState ? tf.tensor2d(params.initialState!, [B, U]) : null;
          const wt = tf.tensor(w, c.returnSequences ? [B, T, U] : [B, U]);
          const loss = (input: tf.Tensor, state: tf.Tensor | null) =>
            tf.sum(tf.mul(layer.apply(input, state ? { initialState: [state] } : {}) as tf.Tensor, wt)) as tf.Scalar;
          const output = layer.apply(x, h0 ? { initialState: [h0] } : {}) as tf.Tensor;
          const variables = layer.trainableWeights.map((v) => v.read() as tf.Variable);
          const { grads } = tf.variableGrads(() => loss(x, h0), variables);
          const inputGrads = tf.grads((...args: tf.Tensor[]) => loss(args[0]!, args[1] ?? null))(h0 ? [x, h0] : [x]);
          return [output, ...variables.map((v) => grads[v.name]!), ...inputGrads];
        });
        const got = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
        tf.dispose(tensors);
        layer.dispose();
        const gradientNames = [
          'kernel',
          'recurrentKernel',
          ...(c.useBias ? ['bias'] : []),
          'x',
          ...(c.initialState ? ['initialState'] : []),
        ];
        const gradient = Object.fromEntries(gradientNames.map((name, i) => [name, got[1 + i]!]));

        const outputOf = (p: Record<string, ArrayLike<number>>) => {
          const { h } = gruForwardRef(p as never, config);
          return c.returnSequences ? h : lastStates(h, B, T, U);
        };
        const forward = gruForwardRef(params as never, config);
        expect(relativeError(got[0]!, outputOf(params)), 'output').toBeLessThan(RESET_AFTER_TOLERANCE);
        const reference = gruBackwardRef(
          { ...params, ...forward, dh: c.returnSequences ? w : expandLastStep(w, B, T, U) } as never,
          config,
        );
        const referenceGradient: Record<string, ArrayLike<number>> = {
          kernel: reference.dKernel,
          recurrentKernel: reference.dRecurrentKernel,
          bias: reference.dBias,
          x: reference.dx,
          initialState: reference.dInitialState,
        };
        const lossOf = (p: Record<string, ArrayLike<number>>) => outputOf(p).reduce((sum, v, i) => sum + v * w[i]!, 0);
        for (const name of gradientNames) {
          expect(
            relativeError(gradient[name]!, referenceGradient[name]!),
            `gradient of ${name} vs the reference`,
          ).toBeLessThan(RESET_AFTER_TOLERANCE);
          // Every element of small arrays, FD_SAMPLES spread over larger ones.
          const length = params[name]!.length;
          const indices = Array.from({ length: Math.min(length, FD_SAMPLES) }, (_, k) =>
            Math.floor((k * length) / Math.min(length, FD_SAMPLES)),
          );
          const difference = indices.map((i) => {
            const at = (delta: number) =>
              lossOf({ ...params, [name]: params[name]!.map((v, j) => (j === i ? v + delta : v)) });
            return (at(FD_STEP) - at(-FD_STEP)) / (2 * FD_STEP);
          });
          const sampled = indices.map((i) => gradient[name]![i]!);
          expect(relativeError(sampled, difference), `gradient of ${name} vs finite differences`).toBeLessThan(
            RESET_AFTER_TOLERANCE,
          );
        }
      },
    );

    it('its cell runs in tf.layers.rnn as stock ops, with the same values', async () => {
      await tf.setBackend('cpu');
      try {
        const fused = fusedGRU({ units: 3, resetAfter: true, returnSequences: true });
        const stock = tf.layers.rnn({
          cell: new (twinCellClass(GRU_CELL))({ units: 3, resetAfter: true }),
          returnSequences: true,
        });
        const x = tf.randomNormal([2, 4, 2], 0, 1, 'float32', 8);
        tf.dispose([fused.apply(x), stock.apply(x)] as tf.Tensor[]);
        stock.setWeights(
          fused.getWeights().map((w, i) => (i === 2 ? tf.randomNormal(w.shape, 0, 0.3, 'float32', 9) : w)),
        );
        fused.setWeights(stock.getWeights());
        expect(
          relativeError(await (fused.apply(x) as tf.Tensor).data(), await (stock.apply(x) as tf.Tensor).data()),
        ).toBeLessThan(1e-5);
      } finally {
        await tf.setBackend('webgpu');
      }
    });
  },
);
