// A kernel's contract is stated once, in its KernelSpec: the WGSL declarations come from it, and its
// params pack from it. The generated source must compile for every kernel of the package.
import { describe, expect, it } from 'vitest';
import { defineKernel, packParams } from '../src/gpu/kernel.js';
import { CELLS } from '../src/kernels/cells.js';
import { dropoutMask } from '../src/kernels/dropout-mask.js';
import { inputGradient } from '../src/kernels/input-gradient.js';
import { inputProjection } from '../src/kernels/input-projection.js';
import { recurrenceBackwardSpec } from '../src/kernels/recurrence-backward.js';
import { recurrenceForwardSpec } from '../src/kernels/recurrence-forward.js';
import { trainerBatch } from '../src/kernels/trainer-batch.js';
import { trainerClip } from '../src/kernels/trainer-clip.js';
import { trainerLoss } from '../src/kernels/trainer-loss.js';
import { trainerOptimizer } from '../src/kernels/trainer-optimizer.js';
import { weightGradientSplits } from '../src/kernels/weight-gradient-splits.js';
import { weightGradients } from '../src/kernels/weight-gradients.js';
import { getDevice } from './helpers/webgpu.js';

const example = defineKernel({
  name: 'example',
  modules: ['fn main() {}'],
  params: { rows: 'u32', scale: 'f32' },
  bindings: [
    { name: 'x', access: 'read', holds: '[rows]' },
    { name: 'y', access: 'read_write', tiles: true },
    { name: 'order', access: 'read', type: 'array<u32>' },
  ],
});

describe('defineKernel', () => {
  it('declares Params in order, params at binding 0 and the buffers from binding 1 on, before the modules', () => {
    const code = example.code;
    expect(code).toMatch(/struct Params \{\n {2}rows: u32,\n {2}scale: f32,\n\}/);
    expect(code).toContain('@group(0) @binding(0) var<uniform> params: Params;');
    expect(code).toContain('@group(0) @binding(1) var<storage, read> x: array<f32>; // [rows]');
    expect(code).toContain('@group(0) @binding(2) var<storage, read_write> y: array<f32>;');
    expect(code).toContain('@group(0) @binding(3) var<storage, read> order: array<u32>;');
    expect(code.indexOf('fn main()')).toBeGreaterThan(code.indexOf('@binding(3)'));
  });

  it('generates tile accessors only where asked, stores only for writable bindings', () => {
    expect(example.code).toContain('fn yTile(o: vec4u, c: vec4u) -> mat4x4f');
    expect(example.code).toContain('fn storeYTile(o: vec4u, n: u32, valid: vec4<bool>, v: mat4x4f)');
    expect(example.code).not.toContain('fn xTile');
    const readOnly = defineKernel({
      name: 'read-only',
      modules: [],
      params: {},
      bindings: [{ name: 'x', access: 'read', tiles: true }],
    });
    expect(readOnly.code).toContain('fn xColumn(o: vec4u, k: u32) -> vec4f');
    expect(readOnly.code).not.toContain('storeX');
  });

  it('packs params as their struct words: u32 as integers, f32 as float32 bits', () => {
    const words = packParams(example, { rows: 7, scale: 0.1 });
    expect([...words]).toEqual([7, new Uint32Array(Float32Array.of(0.1).buffer)[0]]);
  });
});

const cells = CELLS.flatMap((definition) => definition.variants.map((options) => definition.cell(options)));
// The two GRU cells share their kernels' names (RESET_AFTER, an override, tells them apart).
const specs = [
  inputProjection,
  ...cells.flatMap((cell) => [recurrenceForwardSpec(cell), recurrenceBackwardSpec(cell)]),
  ...cells.flatMap((cell) => [recurrenceForwardSpec(cell, 'unrolled', 7), recurrenceBackwardSpec(cell, 'unrolled', 7)]),
  weightGradients,
  weightGradientSplits,
  inputGradient,
  trainerBatch,
  trainerClip,
  trainerLoss,
  trainerOptimizer,
  dropoutMask,
];

describe('every kernel of the package', async () => {
  const device = await getDevice();

  it.each(specs.map((spec) => [spec.name, spec] as const))('%s: its generated source compiles', async (_, spec) => {
    const module = device.createShaderModule({ code: spec.code });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    expect(errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`)).toEqual([]);
    expect(spec.bindings.length).toBeLessThanOrEqual(8);
  });
});
