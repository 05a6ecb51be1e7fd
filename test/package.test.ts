import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { init, parse } from 'es-module-lexer';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const node = (script: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * Every module specifier that an entry of dist/ can load: relative imports are followed, the rest
 * (packages, node: built-ins) collected, static and dynamic alike; a dynamic import of a computed
 * specifier is reported as such.
 */
async function externalImports(entry: string): Promise<{ file: string; specifier: string; dynamic: boolean }[]> {
  await init;
  const seen = new Set<string>();
  const found: { file: string; specifier: string; dynamic: boolean }[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const [imports] = parse(readFileSync(file, 'utf8'), file);
    for (const { n: specifier, d } of imports) {
      const dynamic = d > -1;
      if (specifier === undefined) found.push({ file, specifier: '<computed>', dynamic });
      else if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
      else found.push({ file, specifier, dynamic });
    }
  };
  visit(join(root, 'dist', entry));
  return found;
}

describe('the package', () => {
  it('type-checks under strict TypeScript (sources, tests, scripts, benchmarks, demo)', () => {
    const tsc = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('has a core whose whole module graph imports nothing: no tfjs, no Node built-ins, no Dawn', async () => {
    expect(await externalImports('index.js')).toEqual([]);
    expect(await externalImports('reference.js')).toEqual([]);
  });

  it('loads tfjs only from webgpu-rnn/tfjs, and from webgpu-rnn/node only when useTfjsWebGPU runs', async () => {
    const packages = async (entry: string, dynamic: boolean) =>
      [
        ...new Set(
          (await externalImports(entry))
            .filter((i) => i.dynamic === dynamic && !i.specifier.startsWith('node:'))
            .map((i) => i.specifier),
        ),
      ].sort();
    expect(await packages('tfjs.js', false)).toEqual(['@tensorflow/tfjs']);
    expect(await packages('tfjs.js', true)).toEqual([]);
    expect(await packages('node.js', false)).toEqual([]);
    expect(await packages('node.js', true)).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', 'webgpu']);
  });

  it(
    'declares tfjs, its webgpu backend and Dawn as optional peers, ' +
      'and @webgpu/types as a dependency its types reference',
    () => {
      for (const peer of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', 'webgpu']) {
        expect(packageJson.peerDependencies[peer], peer).toBeDefined();
        expect(packageJson.peerDependenciesMeta[peer], peer).toEqual({ optional: true });
      }
      expect(Object.keys(packageJson.dependencies)).toEqual(['@webgpu/types']);
      for (const entry of Object.values(packageJson.exports) as (string | { types: string })[]) {
        if (typeof entry === 'string') continue;
        expect(readFileSync(join(root, entry.types), 'utf8'), entry.types).toMatch(
          /^\/\/\/ <reference types="@webgpu\/types" preserve="true" \/>/,
        );
      }
    },
  );

  it(
    'imports from its build in Node without side effects: ' +
      'nothing registered until a fused layer runs or registerKernels()',
    () => {
      const run = node(`
      const tf = await import('@tensorflow/tfjs');
      const lib = await import('webgpu-rnn/tfjs');
      const known = () => 'FusedSimpleRNN' in tf.serialization.SerializationMap.getMap().classNameMap;
      const before = { kernel: tf.getKernel(lib.SIMPLE_RNN, 'cpu') !== undefined, layer: known() };
      lib.registerKernels();
      const after = { kernel: tf.getKernel(lib.SIMPLE_RNN, 'cpu') !== undefined, layer: known() };
      console.log(JSON.stringify({ before, after, exports: Object.keys(lib).sort() }));`);
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
      expect(result.before).toEqual({ kernel: false, layer: false });
      expect(result.after).toEqual({ kernel: true, layer: true });
      expect(result.exports).toEqual(
        expect.arrayContaining([
          'registerKernels',
          'ops',
          'FusedSimpleRNN',
          'fusedSimpleRNN',
          'buildSeedModel',
          'createTrainerFromModel',
          'copyWeightsToModel',
          'SIMPLE_RNN',
          'SIMPLE_RNN_GRAD',
        ]),
      );
    },
  );

  it('ships its WGSL inlined in dist, with types', () => {
    const scripts = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.js'),
    );
    const bundle = scripts.map((file) => readFileSync(join(root, 'dist', file), 'utf8')).join('\n');
    expect(bundle).toContain('fn activateGrad(');
    expect(bundle).not.toMatch(/from ['"][^'"]*\.wgsl/);
    expect(readFileSync(join(root, packageJson.exports['.'].types), 'utf8')).toContain('createSimpleRNN');
  });
});
