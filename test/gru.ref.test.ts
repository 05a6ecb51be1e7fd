import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stock } from '../src/model/ops.js';
import { ACTIVATIONS } from '../src/kernels/activation.js';
import { resolveGRUConfig } from '../src/kernels/gru.js';
import { gruBackwardRef, gruForwardRef } from '../src/kernels/gru.ref.js';
import { random, relativeError } from './helpers/data.js';
import { awayFromKinks, dot, finiteDifferenceMismatches } from './helpers/finite-differences.js';

const GRADIENT_OF = {
  x: 'dx',
  kernel: 'dKernel',
  recurrentKernel: 'dRecurrentKernel',
  bias: 'dBias',
  initialState: 'dInitialState',
} as const;

describe('gruBackwardRef vs central finite differences of L = Σ dh ⊙ h', () => {
  // Every activation × recurrentActivation pair in both variants (B2 T3 F2 U3, initial state), directions
  // alternating, on data whose pre-activations keep clear of the activations' kinks.
  it.each([false, true])('holds for every activation × recurrentActivation pair, resetAfter %s', (resetAfter) => {
    const bad: string[] = [];
    ACTIVATIONS.forEach((activation, i) =>
      ACTIVATIONS.forEach((recurrentActivation, j) => {
        const config = resolveGRUConfig({
          batch: 2,
          timesteps: 3,
          features: 2,
          units: 3,
          activation,
          recurrentActivation,
          resetAfter,
          goBackwards: (i + j) % 2 === 1,
          useInitialState: true,
        });
        const rng = random(i * 37 + j + (resetAfter ? 1000 : 0));
        const values = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
        const draw = () => ({
          x: values(12, 1),
          kernel: values(18, 0.8),
          recurrentKernel: values(27, 0.6),
          bias: values(resetAfter ? 18 : 9, 0.5),
          initialState: values(6, 1),
        });
        let inputs = draw();
        while (!awayFromKinks(gruForwardRef(inputs, config).gates)) inputs = draw();
        const dh = values(18, 1);
        const loss = (arrays: typeof inputs) => dot(gruForwardRef(arrays, config).h, dh);
        const gradients = gruBackwardRef({ ...inputs, ...gruForwardRef(inputs, config), dh }, config);
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

describe('gruForwardRef vs tfjs (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // Every activation in each place, both directions, with and without bias and initial state.
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
  const [B, T, F, U] = [3, 4, 2, 5];
  const data = (seed: number, biasRows: number) => {
    const rng = random(seed);
    const values = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
    return {
      x: values(B * T * F, 1),
      kernel: values(F * 3 * U, 0.7),
      recurrentKernel: values(U * 3 * U, 0.5),
      bias: values(biasRows * 3 * U, 0.5),
      initialState: values(B * U, 1),
    };
  };

  it.each(cases)(
    'resetAfter false, as tf.layers.gru: activation $activation, recurrentActivation $recurrentActivation, ' +
      'goBackwards $goBackwards, bias $useBias, initial state $initial',
    (c) => {
      const { initial, ...flags } = c;
      const config = resolveGRUConfig({
        batch: B,
        timesteps: T,
        features: F,
        units: U,
        ...flags,
        useInitialState: initial,
      });
      const inputs = data(c.activation.length * 7 + c.recurrentActivation.length, 1);
      const layer = tf.layers.gru({
        units: U,
        activation: c.activation,
        recurrentActivation: c.recurrentActivation,
        goBackwards: c.goBackwards,
        useBias: c.useBias,
        returnSequences: true,
      });
      const x = tf.tensor3d(inputs.x, [B, T, F]);
      const apply = () =>
        layer.apply(x, initial ? { initialState: [tf.tensor2d(inputs.initialState, [B, U])] } : {}) as tf.Tensor;
      apply(); // builds the layer
      layer.setWeights([
        tf.tensor2d(inputs.kernel, [F, 3 * U]),
        tf.tensor2d(inputs.recurrentKernel, [U, 3 * U]),
        ...(c.useBias ? [tf.tensor1d(inputs.bias)] : []),
      ]);
      const h = apply().dataSync();
      expect(relativeError(h, gruForwardRef(inputs, config).h)).toBeLessThan(1e-5);
      layer.dispose();
    },
  );

  // tfjs has no GRU with resetAfter (tfjs#5728): Keras's GRUCell in stock tfjs ops instead, from zero state.
  it.each(cases.filter((c) => !c.initial))(
    "resetAfter true, as Keras's GRUCell in tfjs ops: " +
      'activation $activation, recurrentActivation $recurrentActivation, goBackwards $goBackwards',
    (c) => {
      const { initial: _, ...flags } = c;
      const config = resolveGRUConfig({
        batch: B,
        timesteps: T,
        features: F,
        units: U,
        ...flags,
        useBias: true,
        resetAfter: true,
      });
      const inputs = data(c.activation.length * 11 + c.recurrentActivation.length, 2);
      const x = tf.tensor3d(inputs.x, [B, T, F]);
      const h = stock.gru(
        x,
        tf.tensor2d(inputs.kernel, [F, 3 * U]),
        tf.tensor2d(inputs.recurrentKernel, [U, 3 * U]),
        tf.tensor2d(inputs.bias, [2, 3 * U]),
        { ...c, resetAfter: true, returnSequences: true },
      );
      expect(relativeError(h.dataSync(), gruForwardRef(inputs, config).h)).toBeLessThan(1e-5);
    },
  );
});
