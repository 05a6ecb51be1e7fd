import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../src/kernels/activation.js';
import { FusedSimpleRNN, fusedSimpleRNN } from '../src/model/fused-layers.js';
import { stock } from '../src/model/ops.js';
import { random } from './helpers/data.js';
import { onBackend, relativeError, tfjsWebGPU } from './helpers/tfjs.js';

// Tolerance: fused float32 kernels on webgpu against stock tfjs float32 ops on cpu, relative to
// each output's largest magnitude.
const TOLERANCE = 1e-4;

interface Case {
  name: string;
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  activation: Activation;
  returnSequences: boolean;
  goBackwards: boolean;
  useBias: boolean;
  initialState: boolean;
  seed: number;
}

// Every activation with both output modes; the rest drawn from a seeded generator, T = 1 included.
const rng = random(2024);
const pick = <T>(options: readonly T[]) => options[Math.floor(rng() * options.length)]!;
const cases: Case[] = ACTIVATIONS.flatMap((activation, a) =>
  [false, true].map((returnSequences, r) => {
    const c = {
      batch: pick([1, 3, 5]),
      timesteps: (a + r) % 4 === 0 ? 1 : pick([2, 3, 5]),
      features: pick([1, 2, 3]),
      units: pick([1, 4, 7]),
      activation,
      returnSequences,
      goBackwards: rng() < 0.5,
      useBias: rng() < 0.75,
      initialState: rng() < 0.4,
      seed: 100 * a + r,
    };
    return {
      ...c,
      name:
        `${activation} B${c.batch} T${c.timesteps} F${c.features} U${c.units}` +
        `${returnSequences ? ' sequences' : ''}${c.goBackwards ? ' backwards' : ''}` +
        `${c.useBias ? '' : ' no-bias'}${c.initialState ? ' h0' : ''}`,
    };
  }),
);

interface Result {
  output: Float32Array;
  weightGrads: Float32Array[];
  dx: Float32Array;
  dh0: Float32Array | null;
}

/** Output, and the gradients of Σ output ⊙ w with respect to the weights, x and h0. */
async function evaluate(
  layer: tf.layers.Layer,
  c: Case,
  weights: tf.Tensor[],
  x: number[],
  h0: number[],
  w: number[],
  inputGrad: 'layer' | 'stock-ops',
): Promise<Result> {
  const tensors = tf.tidy(() => {
    const xt = tf.tensor3d(x, [c.batch, c.timesteps, c.features]);
    const h0t = c.initialState ? tf.tensor2d(h0, [c.batch, c.units]) : null;
    const apply = (input: tf.Tensor, state: tf.Tensor | null) =>
      layer.apply(input, state ? { initialState: [state] } : {}) as tf.Tensor;
    layer.setWeights(weights);
    const output = apply(xt, h0t);
    const wt = tf.tensor(w, output.shape);
    const loss = (input: tf.Tensor, state: tf.Tensor | null) => tf.sum(tf.mul(apply(input, state), wt)) as tf.Scalar;
    const { grads } = tf.variableGrads(
      () => loss(xt, h0t),
      layer.trainableWeights.map((v) => v.read() as tf.Variable),
    );
    // tfjs 4.22's tf.layers.simpleRNN throws on the input gradient of a 1-step sequence (tfjs#8255),
    // so there the reference is the same recurrence in stock ops, differentiated by tfjs.
    const inputLoss =
      inputGrad === 'layer'
        ? loss
        : (input: tf.Tensor, state: tf.Tensor | null) => {
            const [kernel, recurrent, bias] = layer.getWeights();
            return tf.sum(
              tf.mul(
                stock.simpleRNN(input, kernel!, recurrent!, c.useBias ? bias! : null, {
                  activation: c.activation,
                  returnSequences: c.returnSequences,
                  goBackwards: c.goBackwards,
                  initialState: state,
                }),
                wt,
              ),
            ) as tf.Scalar;
          };
    const inputs = h0t ? [xt, h0t] : [xt];
    const inputGrads = tf.grads((...args: tf.Tensor[]) => inputLoss(args[0]!, args[1] ?? null))(inputs);
    return [output, ...layer.trainableWeights.map((v) => grads[(v.read() as tf.Variable).name]!), ...inputGrads];
  });
  const [output, ...rest] = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  const n = layer.trainableWeights.length;
  return { output: output!, weightGrads: rest.slice(0, n), dx: rest[n]!, dh0: rest[n + 1] ?? null };
}

describe('FusedSimpleRNN on webgpu equals tf.layers.simpleRNN on cpu', () => {
  beforeAll(tfjsWebGPU);

  it.each(cases)('$name', async (c) => {
    const r = random(c.seed);
    const data = (n: number) => Array.from({ length: n }, () => r() * 2 - 1);
    const x = data(c.batch * c.timesteps * c.features);
    const h0 = data(c.batch * c.units);
    const w = data(c.batch * (c.returnSequences ? c.timesteps : 1) * c.units);
    const args = {
      units: c.units,
      activation: c.activation,
      returnSequences: c.returnSequences,
      goBackwards: c.goBackwards,
      useBias: c.useBias,
    };

    const stock = await onBackend('cpu', async () => {
      // Seeded initializers: unseeded, each run drew other weights, and one draw in many put a
      // float32 gradient past the tolerance.
      const layer = tf.layers.simpleRNN({
        ...args,
        kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: c.seed + 1 }),
      });
      layer.apply(tf.zeros([1, c.timesteps, c.features]));
      // Random biases, so useBias is really exercised (the initializer gives zeros).
      const weights = layer
        .getWeights()
        .map((t, i) => (i === 2 ? tf.randomUniform(t.shape, -0.5, 0.5, 'float32', c.seed) : t));
      const arrays = weights.map((t) => ({ values: [...t.dataSync()], shape: t.shape }));
      const result = await evaluate(layer, c, weights, x, h0, w, c.timesteps === 1 ? 'stock-ops' : 'layer');
      return { result, arrays };
    });
    await tf.setBackend('webgpu');
    const fused = fusedSimpleRNN(args);
    fused.apply(tf.zeros([1, c.timesteps, c.features]));
    const weights = stock.arrays.map((a) => tf.tensor(a.values, a.shape));
    const got = await evaluate(fused, c, weights, x, h0, w, 'layer');
    tf.dispose(weights);

    expect(relativeError(got.output, stock.result.output), 'output').toBeLessThan(TOLERANCE);
    got.weightGrads.forEach((g, i) =>
      expect(
        relativeError(g, stock.result.weightGrads[i]!),
        `gradient of ${fused.trainableWeights[i]!.name}`,
      ).toBeLessThan(TOLERANCE),
    );
    expect(relativeError(got.dx, stock.result.dx), 'input gradient').toBeLessThan(TOLERANCE);
    if (c.initialState)
      expect(relativeError(got.dh0!, stock.result.dh0!), 'initial state gradient').toBeLessThan(TOLERANCE);
  });

  it('covers every activation, both output modes, T = 1, no bias and an initial state', () => {
    expect(new Set(cases.map((c) => c.activation)).size).toBe(ACTIVATIONS.length);
    for (const property of ['goBackwards', 'useBias', 'initialState'] as const) {
      expect(new Set(cases.map((c) => c[property])), property).toEqual(new Set([true, false]));
    }
    expect(cases.some((c) => c.timesteps === 1)).toBe(true);
  });

  it('runs on the fused kernels: one forward and one backward kernel per training step', async () => {
    await tf.setBackend('webgpu');
    const layer = new FusedSimpleRNN({ units: 4, returnSequences: true });
    const x = tf.randomNormal([2, 3, 2]);
    layer.apply(x);
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
        layer.trainableWeights.map((v) => v.read() as tf.Variable),
      );
      const dx = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input) as tf.Tensor))(x);
      return [value, dx, ...Object.values(grads)];
    });
    const counts = profile.kernels.reduce<Record<string, number>>(
      (m, k) => ({ ...m, [k.name]: (m[k.name] ?? 0) + 1 }),
      {},
    );
    // Two backward passes above (weights, then input), each with one gradient kernel for all inputs.
    expect(counts['WebGPURNN_SimpleRNN']).toBe(2);
    expect(counts['WebGPURNN_SimpleRNNGrad']).toBe(2);
    tf.dispose(x);
  });
});
