// Library build: ESM bundles of the two entries with every .wgsl inlined; tfjs and Dawn stay external.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

const external = [/^@tensorflow\//, 'webgpu', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: { index: 'src/index.ts', node: 'src/node.ts' },
      formats: ['es'],
    },
    rollupOptions: { external },
  },
});
