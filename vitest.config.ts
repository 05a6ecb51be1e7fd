import { defineConfig } from 'vitest/config';

/**
 * Tests that never touch the test device (test/helpers/webgpu.ts): pure TypeScript, tfjs (its webgpu
 * backend starts on its own adapter through useTfjsWebGPU), the package build and the browser. Every
 * other test file runs twice, once per Dawn backend.
 */
const DEVICE_FREE = [
  'test/demo.test.ts',
  'test/fused-simple-rnn*.test.ts',
  'test/kernel-specs.test.ts',
  'test/package.test.ts',
  'test/readme.test.ts',
  'test/seed-model.test.ts',
  'test/simple-rnn-op.test.ts',
  'test/simple-rnn.ref.test.ts',
  'test/split-sequence.test.ts',
  'test/tfjs*.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dawn.node does not work in worker threads; forks it is.
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    projects: [
      // Dawn's Vulkan backend: the GPU's driver, or SwiftShader on the CPU. Every test.
      { extends: true, test: { name: 'vulkan', env: { WEBGPU_RNN_TEST_BACKEND: 'vulkan' } } },
      // Dawn's OpenGL backend (Mesa's llvmpipe here): a second WebGPU implementation, with another
      // WGSL compiler and schedule, at WebGPU's compatibility feature level.
      { extends: true, test: { name: 'opengl', exclude: DEVICE_FREE, env: { WEBGPU_RNN_TEST_BACKEND: 'opengl' } } },
    ],
  },
});
