import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Tests that use no WebGPU adapter of this process (pure TypeScript, the package build, the README
 * examples run in their own processes, the browser pages). Every other test file, tfjs's included
 * (test/helpers/tfjs.ts), runs twice, once per Dawn backend; the largest grids (the LSTM and GRU
 * layer grids, the trainer's batch-32 grid) are sampled on the second, as their files say.
 */
const ADAPTER_FREE = [
  'test/consumer.test.ts',
  'test/convert-weights.test.ts',
  'test/demo.test.ts',
  'test/format.test.ts',
  'test/gru.ref.test.ts',
  'test/lstm.ref.test.ts',
  'test/package.test.ts',
  'test/readme.test.ts',
  'test/simple-rnn.ref.test.ts',
  'test/split-sequence.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dawn.node does not work in worker threads; forks it is.
    pool: 'forks',
    // At least two files at a time (vitest's default on two cores is one): much of a file's time is
    // waiting (pipeline compiles, Chromium, npm pack), which would leave the second core idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker runs its files one after the other in one process, so they share its WebGPU device and
    // with it every pipeline compiled so far (src/gpu/encode.ts caches them per device): the same
    // kernels recur across files, and compiling them is most of a first call's time on SwiftShader.
    isolate: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    projects: [
      // Dawn's Vulkan backend: the GPU's driver, or SwiftShader on the CPU. Every test.
      { extends: true, test: { name: 'vulkan', env: { WEBGPU_RNN_TEST_BACKEND: 'vulkan' } } },
      // Dawn's OpenGL backend (Mesa's llvmpipe here): a second WebGPU implementation, with another
      // WGSL compiler and schedule, at WebGPU's compatibility feature level.
      { extends: true, test: { name: 'opengl', exclude: ADAPTER_FREE, env: { WEBGPU_RNN_TEST_BACKEND: 'opengl' } } },
    ],
  },
});
