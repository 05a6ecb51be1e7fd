/**
 * A fused layer on webgpu against its stock twin on tfjs's cpu backend, from the same weights: the
 * outputs (with returnState, every one), and the gradients of Σᵢ outputᵢ ⊙ wᵢ (random wᵢ) with
 * respect to the weights, the input and the initial states.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { ACTIVATIONS, type Activation } from '../../src/kernels/activation.js';
import { random } from './data.js';
import { onBackend, relativeError } from './tfjs.js';
import { TEST_BACKEND } from './webgpu.js';

export interface LayerCase {
  name: string;
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  activation: Activation;
  recurrentActivation: Activation;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  useBias: boolean;
  initialState: boolean;
  seed: number;
  /** A [batch, timesteps] mask through call()'s kwargs (see maskRows). */
  masked?: boolean;
  /** Dropout rates; the layers run in training (layer-twins.ts gives both the same masks). */
  dropout?: { dropout: number; recurrentDropout: number };
}

/**
 * `count` cases: activations paired so that every activation appears as each, both output modes and
 * returnState both ways in turn, T = 1 every seventh; the rest drawn from a seeded generator.
 */
export function layerCases(count: number, seed: number): LayerCase[] {
  const rng = random(seed);
  const pick = <T>(options: readonly T[]) => options[Math.floor(rng() * options.length)]!;
  const n = ACTIVATIONS.length;
  return Array.from({ length: count }, (_, i) => {
    const c = {
      batch: pick([1, 3, 5]),
      timesteps: i % 7 === 0 ? 1 : pick([2, 3, 5]),
      features: pick([1, 2, 3]),
      units: pick([1, 4, 7]),
      activation: ACTIVATIONS[i % n]!,
      recurrentActivation: ACTIVATIONS[(3 * i + 9) % n]!,
      returnSequences: i % 2 === 1,
      returnState: Math.floor(i / 2) % 2 === 1,
      goBackwards: rng() < 0.5,
      useBias: rng() < 0.75,
      initialState: rng() < 0.4,
      seed: 1000 * seed + i,
    };
    const flags = [
      c.returnSequences && 'sequences',
      c.returnState && 'state',
      c.goBackwards && 'backwards',
      !c.useBias && 'no-bias',
      c.initialState && 'h0',
    ].filter(Boolean);
    return {
      ...c,
      name:
        `${c.activation}/${c.recurrentActivation} ` +
        `B${c.batch} T${c.timesteps} F${c.features} U${c.units} ${flags.join(' ')}`,
    };
  });
}

/**
 * The cases to run on this test backend: all on vulkan; every `every`-th on opengl, where compiling
 * each activation pair's pipelines on llvmpipe takes seconds with a cold shader cache, as in CI (the
 * whole grid there would add minutes to npm test; the kernels' own tests cover every pair on both).
 */
export function sampleOnOpenGL<T>(cases: readonly T[], every: number): T[] {
  return TEST_BACKEND === 'opengl' ? cases.filter((_, i) => i % every === 0) : [...cases];
}

/** Expects the cases to cover what the issue asks: every activation in both roles, each flag both ways, T = 1. */
export function expectCoverage(cases: LayerCase[]): void {
  for (const role of ['activation', 'recurrentActivation'] as const)
    expect(new Set(cases.map((c) => c[role])).size, role).toBe(ACTIVATIONS.length);
  for (const flag of ['returnSequences', 'returnState', 'goBackwards', 'useBias', 'initialState'] as const) {
    expect(new Set(cases.map((c) => c[flag])), flag).toEqual(new Set([true, false]));
  }
  expect(
    cases.some((c) => c.timesteps === 1),
    'T = 1',
  ).toBe(true);
}

/** The layer's outputs for x and the initial states (a list, returnState or not). */
export type Forward = (x: tf.Tensor, states: tf.Tensor[] | null, weights: tf.Tensor[]) => tf.Tensor[];

interface Result {
  outputs: Float32Array[];
  weightGrads: Float32Array[];
  inputGrads: Float32Array[];
}

const toList = (y: tf.Tensor | tf.Tensor[]) => (Array.isArray(y) ? y : [y]);

async function evaluate(
  layer: tf.layers.Layer,
  c: LayerCase,
  weights: tf.Tensor[],
  data: { x: number[]; states: number[][]; w: number[]; mask: boolean[] | null },
  inputForward: Forward | null,
): Promise<Result> {
  const tensors = tf.tidy(() => {
    const x = tf.tensor3d(data.x, [c.batch, c.timesteps, c.features]);
    const states = c.initialState ? data.states.map((s) => tf.tensor2d(s, [c.batch, c.units])) : null;
    const mask = data.mask && tf.tensor2d(data.mask, [c.batch, c.timesteps], 'bool');
    const kwargs = (s: tf.Tensor[] | null) => ({
      ...(s ? { initialState: s } : {}),
      ...(mask ? { mask } : {}),
      ...(c.dropout ? { training: true } : {}),
    });
    layer.setWeights(weights);
    const forward: Forward =
      inputForward ?? ((input, s) => toList(layer.apply(input, kwargs(s)) as tf.Tensor | tf.Tensor[]));
    const outputs = toList(layer.apply(x, kwargs(states)) as tf.Tensor | tf.Tensor[]);
    let offset = 0;
    const w = outputs.map((o) => tf.tensor(data.w.slice(offset, (offset += o.size)), o.shape));
    const loss = (ys: tf.Tensor[]) => tf.addN(ys.map((y, i) => tf.sum(tf.mul(y, w[i]!)))) as tf.Scalar;
    const variables = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => loss(toList(layer.apply(x, kwargs(states)) as tf.Tensor | tf.Tensor[])),
      variables,
    );
    const inputs = [x, ...(states ?? [])];
    const inputGrads = tf.grads((...args: tf.Tensor[]) =>
      loss(forward(args[0]!, states ? args.slice(1) : null, layer.getWeights())),
    )(inputs);
    return [...outputs, ...variables.map((v) => grads[v.name]!), ...inputGrads];
  });
  const data32 = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  const outputCount = tensors.length - layer.trainableWeights.length - 1 - (c.initialState ? data.states.length : 0);
  return {
    outputs: data32.slice(0, outputCount),
    weightGrads: data32.slice(outputCount, outputCount + layer.trainableWeights.length),
    inputGrads: data32.slice(outputCount + layer.trainableWeights.length),
  };
}

export interface Twins {
  fused: (c: LayerCase) => tf.layers.Layer;
  stock: (c: LayerCase) => tf.layers.Layer;
  /** Initial states the layer takes (LSTM 2, else 1). */
  states: number;
  /**
   * The stock layer's math as stock ops, for the input gradient of a 1-step sequence, which tfjs
   * 4.22's own recurrent layers throw on (tfjs#8255).
   */
  stockOps: (c: LayerCase) => Forward;
}

/**
 * A mask with the patterns masking must get right: row 0 starts masked (its outputs are the initial
 * state's until the first kept step), row 1 is right-padded (the `lengths` form), row 2 is masked
 * throughout; further rows are random.
 */
export function maskRows(batch: number, timesteps: number, rng: () => number): boolean[] {
  const row = (b: number, t: number) =>
    b === 0 ? t >= Math.min(2, timesteps - 1) : b === 1 ? t < timesteps - 1 : b === 2 ? false : rng() < 0.6;
  return Array.from({ length: batch * timesteps }, (_, i) => row(Math.floor(i / timesteps), i % timesteps));
}

/** Relative tolerances: one for every output and gradient, or the forward's and the gradients'. */
export type Tolerance = number | { outputs: number; gradients: number };

/** Runs one case and expects every output and gradient within `tolerance` relative. */
export async function expectFusedMatchesStock(c: LayerCase, twins: Twins, tolerance: Tolerance): Promise<void> {
  const { outputs: outputTolerance, gradients: gradientTolerance } =
    typeof tolerance === 'number' ? { outputs: tolerance, gradients: tolerance } : tolerance;
  const r = random(c.seed);
  const values = (n: number) => Array.from({ length: n }, () => r() * 2 - 1);
  const outputSize = c.batch * (c.returnSequences ? c.timesteps : 1) * c.units;
  const data = {
    x: values(c.batch * c.timesteps * c.features),
    states: Array.from({ length: twins.states }, () => values(c.batch * c.units)),
    // Twice the width: Bidirectional's concatenation doubles it.
    w: values(2 * (outputSize + (c.returnState ? twins.states * c.batch * c.units : 0))),
    mask: c.masked ? maskRows(c.batch, c.timesteps, r) : null,
  };
  const stock = await onBackend('cpu', async () => {
    const layer = twins.stock(c);
    layer.apply(tf.zeros([1, c.timesteps, c.features]));
    // Random biases, so useBias is really exercised (the initializers give zeros and ones).
    const weights = layer
      .getWeights()
      .map((t, i) =>
        layer.weights[i]!.name.endsWith('bias') ? tf.randomUniform(t.shape, -0.5, 0.5, 'float32', c.seed + i) : t,
      );
    const arrays = weights.map((t) => ({ values: [...t.dataSync()], shape: t.shape }));
    const result = await evaluate(layer, c, weights, data, c.timesteps === 1 ? twins.stockOps(c) : null);
    layer.dispose();
    return { result, arrays };
  });
  await tf.setBackend('webgpu');
  const fused = twins.fused(c);
  fused.apply(tf.zeros([1, c.timesteps, c.features]));
  const weights = stock.arrays.map((a) => tf.tensor(a.values, a.shape));
  const got = await evaluate(fused, c, weights, data, null);
  tf.dispose(weights);
  const names = fused.trainableWeights.map((w) => w.name);
  fused.dispose();

  expect(got.outputs.length, 'outputs').toBe(stock.result.outputs.length);
  got.outputs.forEach((o, i) =>
    expect(relativeError(o, stock.result.outputs[i]!), `output ${i}`).toBeLessThan(outputTolerance),
  );
  got.weightGrads.forEach((g, i) =>
    expect(relativeError(g, stock.result.weightGrads[i]!), `gradient of ${names[i]}`).toBeLessThan(gradientTolerance),
  );
  got.inputGrads.forEach((g, i) =>
    expect(
      relativeError(g, stock.result.inputGrads[i]!),
      i === 0 ? 'input gradient' : `initial state ${i - 1} gradient`,
    ).toBeLessThan(gradientTolerance),
  );
}

/**
 * Expects one forward and one backward kernel of ours per backward pass on webgpu, also with
 * returnState (every output's gradient goes into the one backward run), and counts the tfjs kernels.
 */
export async function expectOneKernelPerPass(
  layer: tf.layers.Layer,
  names: [string, string],
  x: tf.Tensor,
): Promise<void> {
  await tf.setBackend('webgpu');
  layer.apply(x);
  const profile = await tf.profile(() => {
    const loss = (input: tf.Tensor) =>
      tf.addN(toList(layer.apply(input) as tf.Tensor | tf.Tensor[]).map((y) => tf.sum(y))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(
      () => loss(x),
      layer.trainableWeights.map((v) => v.read() as tf.Variable),
    );
    const dx = tf.grad(loss)(x);
    return [value, dx, ...Object.values(grads)];
  });
  tf.dispose(profile.result as tf.Tensor[]);
  const counts = profile.kernels.reduce<Record<string, number>>(
    (m, { name }) => ({ ...m, [name]: (m[name] ?? 0) + 1 }),
    {},
  );
  // Two backward passes above (weights, then input), each with one gradient kernel for all inputs.
  expect(counts[names[0]], names[0]).toBe(2);
  expect(counts[names[1]], names[1]).toBe(2);
}
