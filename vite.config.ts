// Library build: ESM bundles of the four entries with every .wgsl inlined; code they share goes to
// dist/chunks. tfjs and Dawn stay external, so the core (index) never loads tfjs.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

const external = [/^@tensorflow\//, 'webgpu', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The .wgsl modules without their comments and indentation: the comments are for readers of src/wgsl, and as string
 * literals a minifier cannot drop them from a user's bundle. WGSL has no string literals, so `//` always starts one.
 */
function wgslWithoutComments(): Plugin {
  return {
    name: 'wgsl-without-comments',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.wgsl?raw')) return null;
      const code = readFileSync(id.slice(0, -'?raw'.length), 'utf8')
        .split('\n')
        .map((line) => line.replace(/\/\/.*$/, '').trim())
        .filter((line) => line.length > 0)
        .join('\n');
      return `export default ${JSON.stringify(code)};`;
    },
  };
}

export default defineConfig({
  plugins: [wgslWithoutComments()],
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
