import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const node = (script: string) => spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('the package', () => {
  it('type-checks under strict TypeScript (sources, tests, scripts, benchmarks, demo)', () => {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('imports from its build in Node without side effects: nothing registered until registerKernels()', () => {
    const run = node(`
      const tf = await import('@tensorflow/tfjs');
      const lib = await import('webgpu-rnn');
      const known = () => 'FusedSimpleRNN' in tf.serialization.SerializationMap.getMap().classNameMap;
      const before = { kernel: tf.getKernel(lib.SIMPLE_RNN, 'cpu') !== undefined, layer: known() };
      lib.registerKernels();
      const after = { kernel: tf.getKernel(lib.SIMPLE_RNN, 'cpu') !== undefined, layer: known() };
      console.log(JSON.stringify({ before, after, exports: Object.keys(lib).sort() }));`);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(result.before).toEqual({ kernel: false, layer: false });
    expect(result.after).toEqual({ kernel: true, layer: true });
    expect(result.exports).toEqual(expect.arrayContaining(['createSimpleRNN', 'registerKernels', 'ops', 'FusedSimpleRNN', 'fusedSimpleRNN', 'splitSequence', 'buildSeedModel']));
  });

  it('ships its WGSL inlined in dist, with types', () => {
    const bundle = readFileSync(join(root, 'dist', 'index.js'), 'utf8');
    expect(bundle).toContain('fn activateGrad(');
    expect(bundle).not.toMatch(/from ['"][^'"]*\.wgsl/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(readFileSync(join(root, pkg.exports['.'].types), 'utf8')).toContain('createSimpleRNN');
  });
});
