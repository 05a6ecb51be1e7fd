// Bundles this project's scripts for an offline GPU machine, beside what ../shared/gpu/bundle.sh packs
// (Node, Dawn, the Vulkan loader, run.sh): each script one ESM file in .device/bundles with tfjs and
// the package's sources inside. Unlike bundle.sh's, these bundles read WGSL through `?raw` imports
// (the sources, so test helpers can come along), define __dirname (tfjs-backend-wasm finds its
// .wasm files by it), and carry the .wasm files. It also adds glvnd and its X libraries to
// .device/gl (run.sh unpacks them): on the H100 machine of 2026-11-27 the NVIDIA Vulkan ICD
// (libGLX_nvidia.so.0) gave no vkCreateInstance without them, and Dawn no adapter.
//   ../shared/gpu/bundle.sh scripts/device-adapter.ts && node scripts/bundle-device.mjs
//   on the GPU machine: bash .device/run.sh device-check.ts
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

const SCRIPTS = ['scripts/device-check.ts', 'scripts/start.ts', 'bench/kernels.ts', 'bench/gemms.ts', 'bench/seed.ts'];
const out = '.device/bundles';
if (!existsSync('.device/run.sh'))
  throw new Error(
    'bundle-device: run ../shared/gpu/bundle.sh scripts/device-adapter.ts first (it packs Node, Dawn and run.sh)',
  );

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, async (args) => {
      const resolved = await b.resolve(args.path.slice(0, -'?raw'.length), {
        kind: args.kind,
        resolveDir: args.resolveDir,
      });
      return { path: resolved.path, namespace: 'raw-text' };
    });
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

for (const script of SCRIPTS) {
  await build({
    entryPoints: [script],
    outfile: `${out}/${script.split('/').pop().replace(/\.ts$/, '.mjs')}`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu'],
    alias: {
      'webgpu-rnn/node': './src/node.ts',
      'webgpu-rnn/tfjs': './src/tfjs.ts',
      'webgpu-rnn/reference': './src/reference.ts',
      'webgpu-rnn': './src/index.ts',
    },
    banner: {
      js:
        "import { createRequire as __cr } from 'node:module'; " +
        "import { fileURLToPath as __fu } from 'node:url'; " +
        "import { dirname as __dn } from 'node:path'; " +
        'const require = __cr(import.meta.url); ' +
        'const __filename = __fu(import.meta.url); ' +
        'const __dirname = __dn(__filename);',
    },
    plugins: [rawText],
    minify: true,
    logLevel: 'warning',
  });
}
const GL_PACKAGES = [
  'libglvnd0',
  'libegl1',
  'libgl1',
  'libglx0',
  'libopengl0',
  'libgles2',
  'libx11-6',
  'libx11-data',
  'libxext6',
  'libxcb1',
  'libxau6',
  'libxdmcp6',
  'libbsd0',
  'libmd0',
];
const missing = GL_PACKAGES.filter((name) => !readdirSync('.device/gl').some((file) => file.startsWith(`${name}_`)));
if (missing.length > 0) {
  // bundle.sh has fetched the amd64 package lists here already.
  const apt = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', '-oDir::State::Lists=/tmp/amd64-lists'];
  execFileSync('apt-get', [...apt, 'download', ...missing], { cwd: '.device/gl', stdio: 'ignore' });
}

const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')))
  copyFileSync(`${wasmDir}/${file}`, `${out}/${file}`);
console.log(`bundle-device: ${SCRIPTS.join(', ')} in ${out}; on the GPU machine: bash .device/run.sh device-check.ts`);
