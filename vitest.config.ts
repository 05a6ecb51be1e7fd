import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dawn.node does not work in worker threads; forks it is.
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
