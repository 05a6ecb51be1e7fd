import { describe, expect, it } from 'vitest';
import { splitSequence } from '../src/model/split-sequence.js';

describe("splitSequence (the seed notebook's split_sequence)", () => {
  it("gives the notebook's windows for 10..90, seqLen 3, nSteps 2", () => {
    const [x, y] = splitSequence([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);
    expect(x).toEqual([
      [10, 20, 30],
      [20, 30, 40],
      [30, 40, 50],
      [40, 50, 60],
      [50, 60, 70],
    ]);
    expect(y).toEqual([
      [40, 50],
      [50, 60],
      [60, 70],
      [70, 80],
      [80, 90],
    ]);
  });

  // Each expectation is what the notebook's Python function returns for the same arguments.
  it.each([
    { sequence: [1, 2, 3, 4], seqLen: 3, nSteps: 1, x: [[1, 2, 3]], y: [[4]] },
    { sequence: [1, 2, 3], seqLen: 3, nSteps: 1, x: [], y: [] },
    { sequence: [], seqLen: 1, nSteps: 1, x: [], y: [] },
    {
      sequence: [1, 2, 3],
      seqLen: 2,
      nSteps: 0,
      x: [
        [1, 2],
        [2, 3],
      ],
      y: [[], []],
    },
    { sequence: [5, 6], seqLen: 0, nSteps: 1, x: [[], []], y: [[5], [6]] },
  ])('edge case: $sequence with seqLen $seqLen, nSteps $nSteps', ({ sequence, seqLen, nSteps, x, y }) => {
    expect(splitSequence(sequence, seqLen, nSteps)).toEqual([x, y]);
  });

  it('rejects arguments the notebook never meant', () => {
    expect(() => splitSequence([1, 2, 3], -1, 1)).toThrow(/seqLen: expected a non-negative integer; got -1/);
    expect(() => splitSequence([1, 2, 3], 2, 1.5)).toThrow(/nSteps: expected a non-negative integer; got 1\.5/);
    expect(() => splitSequence('123' as never, 2, 1)).toThrow(/sequence: expected an array of numbers; got "123"/);
    expect(() => splitSequence(null as never, 2, 1)).toThrow(
      /^splitSequence: sequence: expected an array of numbers; got null$/,
    );
    expect(() => splitSequence([1, 2, 3], Number.NaN, 1)).toThrow(
      /^splitSequence: seqLen: expected a non-negative integer; got NaN$/,
    );
  });
});
