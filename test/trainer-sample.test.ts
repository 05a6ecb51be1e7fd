import { describe, expect, it } from 'vitest';
import { describeTrainerSample } from '../src/kernels/trainer-sample.js';
import { temperedSoftmax, trainerSampleRef } from '../src/kernels/trainer-sample.ref.js';
import type { TrainerConfig } from '../src/trainer/config.js';
import { createTrainer } from '../src/trainer/trainer.js';
import { random, uniform } from './helpers/data.js';
import { runKernel } from './helpers/run-kernel.js';
import { getDevice, getSharedPipelinesDevice, trackBuffers } from './helpers/webgpu.js';

describe('trainer-sample kernel', async () => {
  const device = await getDevice();

  // The draw is the reference's: the same hash, the same cumulative walk (in float32 against float64:
  // a uniform within ~1e-7 of a boundary could fall either way; none of these does).
  it.each([
    [1, 1],
    [7, 1],
    [65, 0.5],
    [500, 2],
  ])(
    '%i outputs at temperature %f: the reference token at every step, the prime left as it is',
    async (O, temperature) => {
      const logits = uniform(O, 3, random(O));
      const primeLength = 3;
      const length = 40;
      const run = describeTrainerSample({ outputs: O, primeLength, length, temperature, seed: O * 7 });
      const tokens = Float32Array.from({ length: primeLength + length }, (_, i) => (i < primeLength ? i : -1));
      const out = (await runKernel(device, run, { logits, tokens })).tokens!;
      expect([...out.subarray(0, primeLength)]).toEqual([0, 1, 2]);
      const expected = Array.from({ length }, (_, i) =>
        trainerSampleRef(logits, temperature, O * 7, primeLength - 1 + i),
      );
      expect([...out.subarray(primeLength)]).toEqual(expected);
    },
  );
});

const text: TrainerConfig = {
  timesteps: 8,
  embedding: { inputDim: 6, outputDim: 4 },
  units: [8, 5],
  outputs: 6,
  cell: 'lstm',
  returnSequences: true,
  outputActivation: 'softmax',
  loss: 'sparseCategoricalCrossentropy',
  seed: 3,
};

const argmax = (values: ArrayLike<number>) =>
  Array.from(values).reduce((best, v, k, a) => (v > a[best]! ? k : best), 0);

describe('Trainer.sample', async () => {
  // The trainer's tests share their pipelines (SHARED_PIPELINES): compiled once per run.
  const device = await getSharedPipelinesDevice();

  // Greedy decoding (a temperature that makes the largest logit's token certain) fed back step by step
  // must be what predict computes over the whole sequence at once: every layer's states carried on the
  // GPU, the lookup and the head as in training. One-hot input (no Embedding) too.
  it.each([
    ['embedding → 2 LSTMs', text],
    [
      'one-hot → SimpleRNN',
      { ...text, embedding: undefined, features: 6, units: 9, cell: 'simpleRNN' } as TrainerConfig,
    ],
    ['embedding → SimpleRNN, a last-step head', { ...text, units: 7, cell: 'simpleRNN', returnSequences: false }],
  ] as const)('%s: greedy generation agrees with predict on the generated text', async (_, config) => {
    const trainer = await createTrainer(device, config);
    // An untrained model's states stay near 0 and its logits within ~1e-3 of one another: weights scaled
    // up, so that every step's states carry what came before and the temperature makes the largest
    // logit certain (gaps of ~0.1 become ~1000).
    trainer.setWeights(
      (await trainer.getWeights()).map((w, i, all) => w.map((v) => v * (i >= all.length - 2 ? 100 : 4))),
    );
    const prime = [1, 4, 2];
    const length = text.timesteps - prime.length + 1;
    const generated = await trainer.sample({ prime, length, temperature: 1e-4, seed: 5 });
    expect(generated).toHaveLength(length);
    const sequence = [...prime, ...generated].slice(0, text.timesteps);
    const oneHot = !config.embedding;
    const x = oneHot ? [sequence.map((k) => Array.from({ length: 6 }, (_, j) => Number(j === k)))] : [sequence];
    if (config.returnSequences) {
      const probabilities = await trainer.predict(x as never);
      for (let t = prime.length - 1; t < text.timesteps; t++)
        expect(argmax(probabilities.subarray(t * 6, (t + 1) * 6)), `step ${t}`).toBe([...prime, ...generated][t + 1]);
    } else {
      // The last step's head: the token drawn after the first k tokens is the prediction of a model of
      // k timesteps (the same weights) over them.
      const all = [...prime, ...generated];
      for (const k of [4, 6, 8]) {
        const window = await createTrainer(device, { ...config, timesteps: k });
        window.setWeights(await trainer.getWeights());
        expect(argmax(await window.predict([all.slice(0, k)] as never)), `after ${k} tokens`).toBe(all[k]);
        window.destroy();
      }
    }
    trainer.destroy();
  });

  it('is deterministic for a seed, different across seeds, and leaves no buffer behind', async () => {
    const trainer = await createTrainer(device, text);
    const draw = (seed: number) => trainer.sample({ prime: [3], length: 50, seed });
    const first = await draw(1);
    const { live } = await trackBuffers(device, async () => {
      expect(await draw(1)).toEqual(first);
    });
    expect(live, 'buffers left by a second sample of the same length').toBe(0);
    expect(await draw(2)).not.toEqual(first);
    expect(first.every((k) => Number.isInteger(k) && k >= 0 && k < 6)).toBe(true);
    trainer.destroy();
  });

  // With every weight 0 but the Dense bias, every step's logits are the bias: the tokens are independent
  // draws from softmax(bias / temperature). Each token's count within 5 binomial standard deviations of
  // its expectation (a false alarm about once in 3 million per token).
  it.each([1, 0.5, 2])('draws tokens as often as the softmax says at temperature %f', async (temperature) => {
    const trainer = await createTrainer(device, { ...text, units: [4] });
    const bias = Float32Array.of(1, 0, -1, 2, 0.5, -3);
    trainer.setWeights(
      (await trainer.getWeights()).map((w, i, all) => (i === all.length - 1 ? bias : new Float32Array(w.length))),
    );
    const n = 3000;
    const tokens = await trainer.sample({ prime: [0], length: n, temperature, seed: 17 });
    const p = temperedSoftmax(bias, temperature);
    const counts = Array.from(p, (_, k) => tokens.filter((t) => t === k).length);
    counts.forEach((count, k) => {
      const sigma = Math.sqrt(n * p[k]! * (1 - p[k]!));
      expect(Math.abs(count - n * p[k]!), `token ${k}: ${count} of ${n}, p ${p[k]!.toFixed(4)}`).toBeLessThan(
        5 * sigma + 1,
      );
    });
    trainer.destroy();
  });
});
