/**
 * The seed notebook's split_sequence: every window of `seqLen` consecutive values as an input and
 * the `nSteps` values after it as its target, stopping when a target would run past the end.
 * Same output as the notebook, edge cases included: a sequence too short for one window gives no
 * windows, and nSteps 0 gives empty targets.
 */
import { describeValue } from '../describe-value.js';

export function splitSequence(sequence: readonly number[], seqLen: number, nSteps: number): [number[][], number[][]] {
  if (!Array.isArray(sequence))
    throw new TypeError(`splitSequence: sequence: expected an array of numbers; got ${describeValue(sequence)}`);
  for (const [name, value] of [
    ['seqLen', seqLen],
    ['nSteps', nSteps],
  ] as const) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`splitSequence: ${name}: expected a non-negative integer; got ${describeValue(value)}`);
  }
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (let i = 0; i + seqLen + nSteps <= sequence.length; i++) {
    inputs.push(sequence.slice(i, i + seqLen));
    targets.push(sequence.slice(i + seqLen, i + seqLen + nSteps));
  }
  return [inputs, targets];
}
