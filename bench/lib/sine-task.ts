// The larger task of bench:seed: a noisy sine wave, windowed like the seed notebook.
import { splitSequence } from 'webgpu-rnn';

export function noisySine(points: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: points }, (_, i) => Math.sin((2 * Math.PI * i) / 100) + 0.1 * (random() * 2 - 1));
}

/** Windows of `seqLen` steps → the next `nSteps` values: x [N, seqLen, 1], y [N, nSteps]. */
export function windowed(sequence: number[], seqLen: number, nSteps: number) {
  const [inputs, targets] = splitSequence(sequence, seqLen, nSteps);
  return { samples: inputs.length, x: Float32Array.from(inputs.flat()), y: Float32Array.from(targets.flat()) };
}
