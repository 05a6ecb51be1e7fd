import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { resolveConfig, resolveLSTMConfig } from '../src/kernels/config.js';
import { lstmBackwardRef, lstmForwardRef } from '../src/kernels/lstm.ref.js';
import { expandLastStep, lastStates, simpleRNNBackwardRef, simpleRNNForwardRef } from '../src/kernels/simple-rnn.ref.js';
import { relativeError } from './helpers/data.js';

const root = join(import.meta.dirname, '..');

/** The ```ts block after `<!-- readme-example: name ...-->` in README.md. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = readme.match(new RegExp(`<!-- readme-example: ${name}[^>]*-->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``));
  if (!match) throw new Error(`README.md has no example named ${name}`);
  return match[1]!;
}

it("README's bare-WebGPU example runs against the built package and prints the reference's numbers", () => {
  // Inside the project, so `import 'webgpu-rnn'` resolves to this package's build (dist/).
  const file = join(root, 'artifacts', 'readme-bare-webgpu.ts');
  mkdirSync(join(root, 'artifacts'), { recursive: true });
  writeFileSync(file, readmeExample('bare-webgpu'));
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], { encoding: 'utf8', cwd: root, timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);

  const printed = (label: string) => JSON.parse(run.stdout.match(new RegExp(`^${label} (\\[[^\\]]*\\])`, 'm'))![1]!.replace(/\s+/g, '')) as number[];
  // The same computation in the float64 reference, with the example's data.
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
  expect(relativeError(printed('last states'), [...forward.h.slice(8, 12), ...forward.h.slice(20, 24)])).toBeLessThan(1e-5);
  expect(relativeError(printed('dKernel'), backward.dKernel)).toBeLessThan(1e-5);
});

it("README's LSTM example runs against the built package and prints the reference's numbers", () => {
  const file = join(root, 'artifacts', 'readme-bare-webgpu-lstm.ts');
  mkdirSync(join(root, 'artifacts'), { recursive: true });
  writeFileSync(file, readmeExample('bare-webgpu-lstm'));
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], { encoding: 'utf8', cwd: root, timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);

  const printed = (label: string) => JSON.parse(run.stdout.match(new RegExp(`^${label} (\\[[^\\]]*\\])`, 'm'))![1]!.replace(/\s+/g, '')) as number[];
  const config = resolveLSTMConfig({ batch: 2, timesteps: 3, features: 1, units: 2 });
  const inputs = {
    x: [0.1, 0.2, 0.3, 0.2, 0.3, 0.4],
    kernel: [0.5, -0.3, 0.8, 0.1, 0.4, 0.2, -0.6, 0.3],
    recurrentKernel: [0.2, 0, 0.1, 0, 0, 0.3, 0, 0.1, 0.1, 0, 0.2, 0, 0, 0.1, 0, 0.3],
    bias: [0, 0, 1, 1, 0, 0, 0, 0],
  };
  const forward = lstmForwardRef(inputs, config);
  const backward = lstmBackwardRef({ ...inputs, ...forward, dh: expandLastStep([1, 1, 1, 1], 2, 3, 2) }, config);
  expect(relativeError(printed('last states'), lastStates(forward.h, 2, 3, 2))).toBeLessThan(1e-5);
  expect(relativeError(printed('dKernel'), backward.dKernel)).toBeLessThan(1e-5);
});
