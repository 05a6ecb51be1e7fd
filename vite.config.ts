// Library build: ESM bundles of the four entries with every .wgsl inlined; code they share goes to
// dist/chunks. tfjs and Dawn stay external, so the core (index) never loads tfjs.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

const external = [/^@tensorflow\//, 'webgpu', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Maps point at src/ for stack traces; the sources themselves stay out of the package.
    sourcemap: true,
    minify: false,
    lib: {
      entry: { index: 'src/index.ts', tfjs: 'src/tfjs.ts', node: 'src/node.ts', reference: 'src/reference.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      external,
      output: { sourcemapExcludeSources: true, chunkFileNames: 'chunks/[name].js' },
    },
  },
});
