/**
 * The package as a new user gets it: `npm pack`, the tarball installed into a fresh project in the
 * system's temp folder (outside this tree, so nothing resolves to this repo's node_modules) with no
 * tfjs, and the README's examples run there as written: the Node ones with Node, the browser one
 * built by Vite (its size asserted) and run in Chromium, all of them type-checked as a consumer
 * would (strict, skipLibCheck false, moduleResolution nodenext and bundler).
 *
 * One project serves every test; npm installs from its cache (npm ci filled it), so no download.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/kernels/simple-rnn.js';
import { simpleRNNBackwardRef, simpleRNNForwardRef } from '../src/kernels/simple-rnn.ref.js';
import { launchChromium } from './helpers/chromium.js';
import { relativeError } from './helpers/data.js';
import { readmeExample, root, runTypeScript, typeCheck } from './helpers/readme.js';

// The browser example imports only createTrainer, which carries the core's kernels for every cell
// (the recurrence drivers, the cells' modules, the GEMMs) and the trainer's own (its Embedding, dropout
// and sampling among them: 113 kB before them, 142 kB with them, 151 kB with the cooperative products,
// 166 kB with the staged GEMMs), their WGSL without comments (vite.config.ts). The test prints the size.
const BROWSER_BUNDLE_LIMIT = 170_000;
const NODE_EXAMPLES = ['trainer-node', 'bare-webgpu'] as const;
const BROWSER_EXAMPLE = 'trainer-browser';

let project: string;
let packed: { filename: string; files: { path: string }[] };

/** npm with none of the npm_* variables of the `npm test` run around us, which could point it back here. */
function npm(args: string[], cwd: string) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
  const run = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

function write(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

const tsconfig = (options: Record<string, unknown>) =>
  JSON.stringify(
    {
      compilerOptions: { strict: true, skipLibCheck: false, target: 'ES2022', noEmit: true, ...options },
      include: ['src'],
    },
    null,
    2,
  );

beforeAll(() => {
  const started = performance.now();
  project = mkdtempSync(join(tmpdir(), 'webgpu-rnn-consumer-'));
  // `npm test` built dist first; prepack would build it again.
  packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', project], root))[0];
  const dawn = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.webgpu;
  write(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', `./${packed.filename}`, `webgpu@${dawn}`], project);

  for (const name of [...NODE_EXAMPLES, BROWSER_EXAMPLE])
    write(join(project, 'src', `${name}.ts`), readmeExample(name));
  // Every entry that needs no tfjs, as a consumer names it.
  write(
    join(project, 'src', 'entries.ts'),
    [
      "import * as core from 'webgpu-rnn';",
      "import * as node from 'webgpu-rnn/node';",
      "import * as reference from 'webgpu-rnn/reference';",
      'export const entries: [typeof core, typeof node, typeof reference] = [core, node, reference];',
      'export const trainer: Promise<core.Trainer> | null = null;',
      '',
    ].join('\n'),
  );
  write(join(project, 'tsconfig.nodenext.json'), tsconfig({ module: 'NodeNext', moduleResolution: 'NodeNext' }));
  write(join(project, 'tsconfig.bundler.json'), tsconfig({ module: 'ESNext', moduleResolution: 'Bundler' }));
  write(join(project, 'browser', 'main.ts'), readmeExample(BROWSER_EXAMPLE));
  write(
    join(project, 'browser', 'index.html'),
    '<!doctype html>\n<meta charset="utf-8">\n<title>webgpu-rnn</title>\n' +
      '<script type="module" src="./main.ts"></script>\n',
  );
  console.info(
    `fresh project ${project}: packed and installed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed package in a fresh project without tfjs', () => {
  it('packs dist (JS, .d.ts, maps without sources), README, LICENSE and package.json only', () => {
    const paths = packed.files.map((file) => file.path);
    const unexpected = paths.filter(
      (path) => !/^(dist\/.+\.(js|d\.ts|js\.map)|README\.md|LICENSE|package\.json)$/.test(path),
    );
    expect(unexpected).toEqual([]);
    for (const entry of ['index', 'tfjs', 'node', 'reference']) {
      expect(paths).toContain(`dist/${entry}.js`);
      expect(paths).toContain(`dist/${entry}.d.ts`);
    }
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    const installed = join(project, 'node_modules', 'webgpu-rnn');
    for (const map of paths.filter((path) => path.endsWith('.map'))) {
      expect(JSON.parse(readFileSync(join(installed, map), 'utf8')), map).not.toHaveProperty('sourcesContent');
    }
  });

  it('installs no tfjs (optional peers), and brings @webgpu/types for its GPU types', () => {
    expect(existsSync(join(project, 'node_modules', '@tensorflow'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '@webgpu', 'types', 'package.json'))).toBe(true);
  });

  it('loads every entry in Node; webgpu-rnn/tfjs alone fails, for want of tfjs', () => {
    const script = `
      const loaded = {};
      for (const entry of ['webgpu-rnn', 'webgpu-rnn/node', 'webgpu-rnn/reference', 'webgpu-rnn/tfjs']) {
        try {
          loaded[entry] = Object.keys(await import(entry));
        } catch (error) {
          loaded[entry] = error.code + ': ' + error.message;
        }
      }
      console.log(JSON.stringify(loaded));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const loaded = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(loaded['webgpu-rnn']).toEqual(
      expect.arrayContaining([
        'createSimpleRNN',
        'createTrainer',
        'createFloat32Buffer',
        'readFloat32Buffer',
        'splitSequence',
        'chooseStrategy',
      ]),
    );
    expect(loaded['webgpu-rnn']).not.toContain('registerKernels');
    expect(loaded['webgpu-rnn/node']).toEqual(
      expect.arrayContaining(['requestNodeDevice', 'useTfjsWebGPU', 'describeAdapter']),
    );
    expect(loaded['webgpu-rnn/reference']).toEqual(
      expect.arrayContaining(['simpleRNNForwardRef', 'simpleRNNBackwardRef', 'resolveConfig']),
    );
    expect(loaded['webgpu-rnn/tfjs']).toMatch(/^ERR_MODULE_NOT_FOUND: Cannot find package '@tensorflow\/tfjs'/);
  });

  it('says what to install when useTfjsWebGPU finds no tfjs', () => {
    const script = `
      const { useTfjsWebGPU } = await import('webgpu-rnn/node');
      try { await useTfjsWebGPU(); console.log('started'); } catch (error) { console.log(error.message); }
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      'useTfjsWebGPU needs TensorFlow.js and its webgpu backend: ' +
        'npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-webgpu@4.22.0',
    );
  });

  it.each(['nodenext', 'bundler'])(
    'type-checks the README examples and the entries: strict, skipLibCheck false, moduleResolution %s',
    (resolution) => {
      expect(typeCheck(join(project, `tsconfig.${resolution}.json`))).toEqual([]);
    },
  );

  it("runs the README's standalone trainer example under Node: the loss falls and the prediction is finite", () => {
    const run = runTypeScript(project, [join('src', 'trainer-node.ts')]);
    expect(run.status, run.stderr).toBe(0);
    const [, first, last] = run.stdout.match(/^loss (\S+) → (\S+)$/m)!;
    expect(Number(last)).toBeLessThan(Number(first) / 10);
    const prediction = JSON.parse(
      run.stdout.match(/^prediction after \[70, 80, 90\]: (\[.*\])$/m)![1]!.replace(/\s+/g, ''),
    ) as number[];
    expect(prediction).toHaveLength(2);
    expect(prediction.every(Number.isFinite)).toBe(true);
    // LSTM(32) on 1 feature, LSTM(16), then Dense(2): each layer's kernel, recurrent_kernel, bias,
    // then the dense kernel and bias.
    expect(JSON.parse(run.stdout.match(/^weights (\[.*\])$/m)![1]!)).toEqual([128, 4096, 128, 2048, 1024, 64, 32, 2]);
  });

  it("runs the README's bare-WebGPU example under Node and prints the float64 reference's numbers", () => {
    const run = runTypeScript(project, [join('src', 'bare-webgpu.ts')]);
    expect(run.status, run.stderr).toBe(0);
    const printed = (label: string) =>
      JSON.parse(run.stdout.match(new RegExp(`^${label} (\\[[^\\]]*\\])`, 'm'))![1]!.replace(/\s+/g, '')) as number[];
    // The same computation in the reference, with the example's data.
    const config = resolveConfig({ batch: 2, timesteps: 3, features: 1, units: 4, activation: 'relu' });
    const inputs = {
      x: [0.1, 0.2, 0.3, 0.2, 0.3, 0.4],
      kernel: [0.5, -0.3, 0.8, 0.1],
      recurrentKernel: [0.2, 0, 0.1, 0, 0, 0.3, 0, 0.1, 0.1, 0, 0.2, 0, 0, 0.1, 0, 0.3],
      bias: [0.01, 0.02, 0.03, 0.04],
    };
    const forward = simpleRNNForwardRef(inputs, config);
    const dh = Array.from({ length: 24 }, (_, i) => (i % 12 >= 8 ? 1 : 0));
    const backward = simpleRNNBackwardRef({ ...inputs, ...forward, dh }, config);
    // float32 kernels against the float64 reference, relative to each output's largest magnitude
    expect(relativeError(printed('last states'), [...forward.h.slice(8, 12), ...forward.h.slice(20, 24)])).toBeLessThan(
      1e-5,
    );
    expect(relativeError(printed('dKernel'), backward.dKernel)).toBeLessThan(1e-5);
  });

  describe("the README's browser example, built by Vite", () => {
    let server: PreviewServer | undefined;
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it(
      `bundles under ${BROWSER_BUNDLE_LIMIT / 1000} kB minified: ` +
        'it imports only createTrainer, and no tfjs comes with it',
      () => {
        const build = spawnSync(
          process.execPath,
          [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'browser', '--logLevel', 'warn'],
          {
            cwd: project,
            encoding: 'utf8',
            timeout: 120_000,
          },
        );
        expect(build.status, build.stdout + build.stderr).toBe(0);
        const assets = join(project, 'browser', 'dist', 'assets');
        const scripts = readdirSync(assets)
          .filter((file) => file.endsWith('.js'))
          .map((file) => join(assets, file));
        const bytes = scripts.reduce((sum, file) => sum + statSync(file).size, 0);
        const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
        console.info(
          `browser example bundle: ${(bytes / 1000).toFixed(2)} kB minified, ` +
            `${(gzipped / 1000).toFixed(2)} kB gzip (limit ${BROWSER_BUNDLE_LIMIT / 1000} kB)`,
        );
        expect(bytes).toBeLessThan(BROWSER_BUNDLE_LIMIT);
      },
    );

    it('runs in Chromium on WebGPU: the loss falls and the prediction is finite', async () => {
      expect(existsSync(join(project, 'browser', 'dist', 'index.html')), 'the Vite build above').toBe(true);
      server = await preview({
        root: join(project, 'browser'),
        configFile: false,
        logLevel: 'warn',
        preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
      });
      browser = await launchChromium();
      const page = await browser.newPage();
      const failed = new Promise<never>((_, reject) =>
        page.on('pageerror', (error) => reject(new Error(`the example threw: ${error.message}`))),
      );
      await page.goto(server.resolvedUrls!.local[0]!);
      await Promise.race([
        page.waitForFunction(() => document.body.textContent?.startsWith('loss'), null, { timeout: 120_000 }),
        failed,
      ]);
      const text = await page.locator('body').innerText();
      const [, first, last, next, afterNext] = text
        .match(/^loss (\S+) → (\S+); after 70, 80, 90 comes (\S+), (\S+)$/)!
        .map(Number);
      expect(last!, text).toBeLessThan(first! / 10);
      expect([next, afterNext].every(Number.isFinite), text).toBe(true);
    });
  });
});
