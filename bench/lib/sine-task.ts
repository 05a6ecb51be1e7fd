// The larger task of bench:seed: a noisy sine wave, windowed like the seed notebook.
import { splitSequence } from 'webgpu-rnn';

/** The task as the issue gives it: 9,980 windows of 20 → 1, units 32, batch 128; epochs timed per run. */
export const SINE_TASK = { points: 10_000, seqLen: 20, nSteps: 1, units: 32, batchSize: 128, epochs: 3 } as const;

export function noisySine(points: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: points }, (_, i) => Math.sin((2 * Math.PI * i) / 100) + 0.1 * (random() * 2 - 1));
}

/** Windows of `seqLen` steps → the next `nSteps` values: x [N, seqLen, 1], y [N, nSteps]. */
export function windowed(sequence: number[], seqLen: number, nSteps: number) {
  const [inputs, targets] = splitSequence(sequence, seqLen, nSteps);
  return { samples: inputs.length, x: Float32Array.from(inputs.flat()), y: Float32Array.from(targets.flat()) };
}

/**
 * A profiled pipeline's kernel, without the cell or variant it was built for
 * ('recurrence-forward/lstm/subgroup' → 'recurrence-forward').
 */
export const kernelStem = (name: string) => name.split('/')[0]!;

/** GPU ms per kernel stem as `stem ms` pairs, largest first: for a log line. */
export function kernelShares(kernels: Map<string, { ms: number }>): string {
  const stems = new Map<string, number>();
  for (const [name, { ms }] of kernels) stems.set(kernelStem(name), (stems.get(kernelStem(name)) ?? 0) + ms);
  return [...stems]
    .sort((a, b) => b[1] - a[1])
    .map(([stem, ms]) => `${stem} ${ms.toFixed(1)}`)
    .join(', ');
}
