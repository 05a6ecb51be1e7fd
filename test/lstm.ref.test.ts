import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../src/kernels/activation.js';
import { resolveLSTMConfig } from '../src/kernels/lstm.js';
import { lstmBackwardRef, lstmForwardRef } from '../src/kernels/lstm.ref.js';
import { lastStates } from '../src/kernels/simple-rnn.ref.js';
import { random, relativeError } from './helpers/data.js';
import { awayFromKinks, dot, finiteDifferenceMismatches } from './helpers/finite-differences.js';

const GRADIENT_OF = {
  x: 'dx',
  kernel: 'dKernel',
  recurrentKernel: 'dRecurrentKernel',
  bias: 'dBias',
  initialState: 'dInitialState',
  initialCellState: 'dInitialCellState',
} as const;

describe('lstmBackwardRef vs central finite differences of L = Σ dh ⊙ h + Σ dcLast ⊙ c_{T-1}', () => {
  // Every activation × recurrentActivation pair (B2 T3 F2 U3, both initial states), directions alternating,
  // on data whose pre-activations (and cell states) keep clear of the activations' kinks.
  it('holds for every activation × recurrentActivation pair', () => {
    const bad: string[] = [];
    ACTIVATIONS.forEach((activation, i) =>
      ACTIVATIONS.forEach((recurrentActivation, j) => {
        const config = resolveLSTMConfig({
          batch: 2,
          timesteps: 3,
          features: 2,
          units: 3,
          activation,
          recurrentActivation,
          goBackwards: (i + j) % 2 === 1,
          useInitialState: true,
          useInitialCellState: true,
        });
        const rng = random(i * 31 + j);
        const values = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
        const draw = () => ({
          x: values(12, 1),
          kernel: values(24, 0.8),
          recurrentKernel: values(36, 0.6),
          bias: values(12, 0.5),
          initialState: values(6, 1),
          initialCellState: values(6, 1),
        });
        let inputs = draw();
        for (
          let forward = lstmForwardRef(inputs, config);
          !awayFromKinks([...forward.gates, ...forward.c]);
          forward = lstmForwardRef(inputs, config)
        )
          inputs = draw();
        const dh = values(18, 1);
        const dcLast = values(6, 1);
        const loss = (arrays: typeof inputs) => {
          const forward = lstmForwardRef(arrays, config);
          return dot(forward.h, dh) + dot(lastStates(forward.c, 2, 3, 3), dcLast);
        };
        const gradients = lstmBackwardRef({ ...inputs, ...lstmForwardRef(inputs, config), dh, dcLast }, config);
        const analytic = Object.fromEntries(
          Object.entries(GRADIENT_OF).map(([input, gradient]) => [input, gradients[gradient]]),
        );
        bad.push(
          ...finiteDifferenceMismatches(inputs, analytic, loss).map(
            (e) => `${activation} × ${recurrentActivation}: ${e}`,
          ),
        );
      }),
    );
    expect(bad).toEqual([]);
  });
});

describe("lstmForwardRef vs tf.layers.lstm (tfjs's own LSTM, cpu backend)", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // Every activation in each place, both directions, with and without bias and initial states.
  const cases = ACTIVATIONS.flatMap((name, i) => [
    {
      activation: name,
      recurrentActivation: 'hardSigmoid' as const,
      goBackwards: i % 2 === 0,
      useBias: i % 3 !== 0,
      initial: i % 2 === 1,
    },
    {
      activation: 'tanh' as const,
      recurrentActivation: name,
      goBackwards: i % 2 === 1,
      useBias: i % 3 !== 1,
      initial: i % 2 === 0,
    },
  ]);

  it.each(cases)(
    'activation $activation, recurrentActivation $recurrentActivation, goBackwards $goBackwards, ' +
      'bias $useBias, initial states $initial',
    (c) => {
      const [B, T, F, U] = [3, 4, 2, 5];
      const { initial, ...flags } = c;
      const config = resolveLSTMConfig({
        batch: B,
        timesteps: T,
        features: F,
        units: U,
        ...flags,
        useInitialState: initial,
        useInitialCellState: initial,
      });
      const rng = random(c.activation.length * 7 + c.recurrentActivation.length);
      const values = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
      const inputs = {
        x: values(B * T * F, 1),
        kernel: values(F * 4 * U, 0.7),
        recurrentKernel: values(U * 4 * U, 0.5),
        bias: values(4 * U, 0.5),
        initialState: values(B * U, 1),
        initialCellState: values(B * U, 1),
      };
      const layer = tf.layers.lstm({
        units: U,
        activation: c.activation,
        recurrentActivation: c.recurrentActivation,
        goBackwards: c.goBackwards,
        useBias: c.useBias,
        returnSequences: true,
      });
      const x = tf.tensor3d(inputs.x, [B, T, F]);
      const initialState = c.initial
        ? [tf.tensor2d(inputs.initialState, [B, U]), tf.tensor2d(inputs.initialCellState, [B, U])]
        : undefined;
      const apply = () => layer.apply(x, initialState ? { initialState } : {}) as tf.Tensor;
      apply(); // builds the layer
      layer.setWeights([
        tf.tensor2d(inputs.kernel, [F, 4 * U]),
        tf.tensor2d(inputs.recurrentKernel, [U, 4 * U]),
        ...(c.useBias ? [tf.tensor1d(inputs.bias)] : []),
      ]);
      const h = apply().dataSync();
      expect(relativeError(h, lstmForwardRef(inputs, config).h)).toBeLessThan(1e-5);
      layer.dispose();
    },
  );
});
