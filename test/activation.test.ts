import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  resolveActivation,
  RUNTIME_SELECTED_ACTIVATIONS,
  type Activation,
} from '../src/kernels/activation.js';
import { activateGradRef, activateRef } from '../src/kernels/activation.ref.js';
import { runSimpleRNN } from './helpers/simple-rnn-case.js';
import { getDevice } from './helpers/webgpu.js';

// Grid of inputs: a sweep plus every kink and branch point of the definitions (relu at 0, relu6 at
// 6, hardSigmoid at ±2.5, softplus's thresholds at ±13.94), large values, NaN and ±Infinity.
const POINTS = [
  ...Array.from({ length: 161 }, (_, i) => -8 + i * 0.1),
  0,
  6,
  -2.5,
  2.5,
  13.9,
  14,
  -13.9,
  -14,
  20,
  -20,
  50,
  -50,
  88,
  -88,
  1e-6,
  -1e-6,
  NaN,
  Infinity,
  -Infinity,
];

// Tolerance: tfjs computes in float32, the reference in float64; |a − b| ≤ tolerance · (1 + |b|),
// and NaN or ±Infinity exactly where the other has it.
const closeTo = (actual: number, expected: number, tolerance = 2e-6) =>
  Number.isFinite(expected)
    ? Math.abs(actual - expected) <= tolerance * (1 + Math.abs(expected))
    : Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected));

describe('activation reference vs tfjs 4.22 (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(ACTIVATIONS)('%s: value and derivative', (name) => {
    const layer = tf.layers.activation({ activation: name });
    const x = tf.tensor1d(POINTS);
    const y = (layer.apply(x) as tf.Tensor).dataSync();
    const dy = tf
      .grad((t: tf.Tensor) => (layer.apply(t) as tf.Tensor).sum())(x)
      .dataSync();
    const bad: string[] = [];
    POINTS.forEach((p, i) => {
      const xi = Math.fround(p);
      const value = activateRef(name, xi);
      const grad = activateGradRef(name, xi, value);
      if (!closeTo(value, y[i]!)) bad.push(`f(${p}) = ${value}, tfjs ${y[i]}`);
      if (!closeTo(grad, dy[i]!)) bad.push(`f'(${p}) = ${grad}, tfjs ${dy[i]}`);
    });
    tf.dispose(x);
    expect(bad).toEqual([]);
  });

  it('refuses softmax and unknown names, naming the argument', () => {
    expect(() => resolveActivation('softmax')).toThrow(/activation: 'softmax' normalises across units/);
    expect(() => resolveActivation('tanhh', 'config.activation')).toThrow(
      /config\.activation: expected one of linear, tanh/,
    );
    expect(resolveActivation(undefined)).toBe('tanh');
  });
});

/** Each point through a 1-unit, 1-step SimpleRNN with kernel 1 and no bias: h = f(x) and dx = f'(x). */
async function throughOneUnit(activation: Activation, points: Float32Array) {
  const config = { batch: points.length, timesteps: 1, features: 1, units: 1, activation, useBias: false } as const;
  return runSimpleRNN(await getDevice(), config, {
    x: points,
    kernel: Float32Array.of(1),
    recurrentKernel: Float32Array.of(0.5),
    bias: Float32Array.of(0),
    initialState: new Float32Array(points.length),
    dh: new Float32Array(points.length).fill(1),
  });
}

describe('activation.wgsl', () => {
  it('numbers its activations exactly as ACTIVATIONS does, and RUNTIME_SELECTED as activation.ts', () => {
    const wgsl = readFileSync(new URL('../src/wgsl/activation.wgsl', import.meta.url), 'utf8');
    const ids = [...wgsl.matchAll(/^const ([A-Z_0-9]+) = (\d+)u;$/gm)].map(([, name, id]) => [name, Number(id)]);
    const expected = ACTIVATIONS.map((name, i) => [name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(), i]);
    expect(ids).toEqual(expected);
    expect(wgsl).toContain(`const RUNTIME_SELECTED: u32 = ${RUNTIME_SELECTED_ACTIVATIONS}u;`);
  });

  it("tanh near saturation: the derivative 1 − y² within 1e-4 of tfjs's", async () => {
    // Where tanh nears ±1, 1 − y² is a difference of nearly equal numbers: a y one ulp off moves it
    // by up to 100% (the form (1 − e)/(1 + e) rounded y to 1 where Math.tanh does not), and Adam,
    // which divides by the gradient's scale, turns that into a different step: an LSTM(50) trained
    // 200 epochs drifted 9.5e-4 from tfjs's cpu backend. 1,734 points, |x| from 0.35 to 9.
    const points = Float32Array.from({ length: 1734 }, (_, i) => (i % 2 ? -1 : 1) * (0.35 + Math.floor(i / 2) * 0.01));
    const gpu = await throughOneUnit('tanh', points);
    const worst = Math.max(
      ...Array.from(points, (p, i) => {
        const y = Math.fround(Math.tanh(p));
        const derivative = Math.fround(1 - Math.fround(y * y));
        return derivative > 0 ? Math.abs(gpu.dx[i]! - derivative) / derivative : Math.abs(gpu.dx[i]!);
      }),
    );
    expect(worst, "largest relative difference from tfjs's derivative").toBeLessThan(1e-4);
  });

  it.each(ACTIVATIONS)(
    '%s on the GPU matches the reference (value through forward, derivative through backward)',
    async (name) => {
      const points = Float32Array.from(POINTS);
      const gpu = await throughOneUnit(name, points);
      const bad: string[] = [];
      points.forEach((p, i) => {
        const value = activateRef(name, p);
        if (!closeTo(gpu.h[i]!, value, 1e-5)) bad.push(`f(${p}): gpu ${gpu.h[i]}, ref ${value}`);
        const grad = activateGradRef(name, p, gpu.h[i]!);
        if (!closeTo(gpu.dx[i]!, grad, 1e-5)) bad.push(`f'(${p}): gpu ${gpu.dx[i]}, ref ${grad}`);
      });
      expect(bad).toEqual([]);
    },
  );
});
