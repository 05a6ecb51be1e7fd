/**
 * A generated token drawn on the GPU (see trainer-sample.wgsl for the math): from the softmax head's
 * logits at a temperature, by a seeded hash of the step, into the generation's token buffer that the
 * next step's lookup reads. A whole generation is one submission.
 * Dispatch: one invocation; one dispatch per step.
 * Limits: 2·outputs loop iterations (llvmpipe's 65,535 bound the vocabulary at 32,767).
 */
import hashCode from '../wgsl/pcg-hash.wgsl?raw';
import code from '../wgsl/trainer-sample.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';

export const MAX_SAMPLE_OUTPUTS = 32_767;

export const trainerSample = defineKernel({
  name: 'trainer-sample',
  modules: [hashCode, code],
  params: { outputs: 'u32', step: 'u32', primeLength: 'u32', seed: 'u32', inverseTemperature: 'f32' },
  bindings: [
    { name: 'logits', access: 'read', holds: '[outputs], the softmax head before its activation' },
    { name: 'tokens', access: 'read_write', holds: '[prime length + generated] token ids, float32 integers' },
  ],
});

export type TrainerSampleRun = KernelRun<
  keyof typeof trainerSample.params,
  (typeof trainerSample.bindings)[number]['name']
>;

export interface Generation {
  readonly outputs: number;
  readonly primeLength: number;
  /** Tokens to generate after the prime. */
  readonly length: number;
  readonly temperature: number;
  readonly seed: number;
}

/** Dispatch s draws tokens[s + 1]; the steps run from the prime's first token to the last one drawn. */
export function describeTrainerSample(generation: Generation): TrainerSampleRun {
  const { outputs, primeLength, length, temperature, seed } = generation;
  return {
    spec: trainerSample,
    constants: {},
    dispatches: Array.from({ length: primeLength + length - 1 }, (_, step) => ({
      workgroups: [1, 1, 1] as const,
      params: { outputs, step, primeLength, seed: seed >>> 0, inverseTemperature: 1 / temperature },
    })),
  };
}
