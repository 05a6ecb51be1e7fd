// Every kernel description against its WGSL: the Params fields in order, and the bindings in order
// with their names and access. A mismatch would put uniforms or buffers in the wrong place silently.
import { describe, expect, it } from 'vitest';
import type { KernelSpec } from '../src/gpu/kernel.js';
import { GRU_CELL, GRU_RESET_AFTER_CELL } from '../src/kernels/gru.js';
import { inputGradient } from '../src/kernels/input-gradient.js';
import { inputProjection } from '../src/kernels/input-projection.js';
import { LSTM_CELL } from '../src/kernels/lstm.js';
import { recurrenceBackwardSpec } from '../src/kernels/recurrence-backward.js';
import { recurrenceForwardSpec } from '../src/kernels/recurrence-forward.js';
import { SIMPLE_RNN_CELL } from '../src/kernels/simple-rnn.js';
import { trainerBatch } from '../src/kernels/trainer-batch.js';
import { trainerLoss } from '../src/kernels/trainer-loss.js';
import { trainerOptimizer } from '../src/kernels/trainer-optimizer.js';
import { weightGradientSplits } from '../src/kernels/weight-gradient-splits.js';
import { weightGradients } from '../src/kernels/weight-gradients.js';

const cells = [SIMPLE_RNN_CELL, LSTM_CELL, GRU_CELL, GRU_RESET_AFTER_CELL];
const specs: KernelSpec[] = [
  inputProjection,
  ...cells.flatMap((cell) => [recurrenceForwardSpec(cell), recurrenceBackwardSpec(cell)]),
  ...cells.flatMap((cell) => [recurrenceForwardSpec(cell, 'unrolled', 7), recurrenceBackwardSpec(cell, 'unrolled', 7)]),
  weightGradients,
  weightGradientSplits,
  inputGradient,
  trainerBatch,
  trainerLoss,
  trainerOptimizer,
];

describe.each(specs.map((spec) => [spec.name, spec] as const))('%s', (_, spec) => {
  it('has the Params fields its description packs, in order, all 32-bit', () => {
    const body = spec.code.match(/struct Params \{([^}]*)\}/)![1]!;
    const fields = [...body.matchAll(/(\w+)\s*:\s*(\w+)/g)].map(([, name, type]) => ({ name, type }));
    expect(fields.map((f) => f.name)).toEqual([...spec.params]);
    for (const field of fields) expect(['u32', 'f32'], field.name).toContain(field.type);
  });

  it('declares the bindings its description binds: the params block, then each buffer in order', () => {
    const declared = [...spec.code.matchAll(/@group\(0\) @binding\((\d+)\) var<(\w+)(?:, (\w+))?> (\w+)/g)].map(
      ([, index, space, access, name]) => ({
        index: Number(index),
        space,
        access: access ?? 'read',
        name,
      }),
    );
    expect(declared[0]).toEqual({ index: 0, space: 'uniform', access: 'read', name: 'params' });
    expect(declared.slice(1)).toEqual(
      spec.bindings.map((b, i) => ({ index: i + 1, space: 'storage', access: b.access, name: b.name })),
    );
  });

  it('binds at most 8 storage buffers, the WebGPU default limit per shader stage', () => {
    expect(spec.bindings.length).toBeLessThanOrEqual(8);
  });
});
