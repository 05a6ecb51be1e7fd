// The demo: three pages (index.html, the notebook; bench.html, the benchmark; char-rnn.html, a char-RNN
// trained in a worker) built into demo/dist.
// `webgpu-rnn` and `webgpu-rnn/tfjs` resolve to the library's source, so the demo always shows the
// code in this tree.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const demo = fileURLToPath(new URL('.', import.meta.url));
const source = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));

export default defineConfig({
  root: demo,
  base: './',
  resolve: {
    alias: [
      { find: /^webgpu-rnn$/, replacement: source('index.ts') },
      { find: /^webgpu-rnn\/tfjs$/, replacement: source('tfjs.ts') },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // tfjs and vega are large by nature; a warning about it says nothing new.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: { index: `${demo}index.html`, bench: `${demo}bench.html`, 'char-rnn': `${demo}char-rnn.html` },
    },
  },
  // The char-RNN page's worker loads tfjs only when asked for the weights: a split bundle, so ES modules.
  worker: { format: 'es' },
});
