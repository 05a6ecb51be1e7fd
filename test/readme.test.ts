/**
 * The README's examples: every ```ts block is marked and run by a test (the ones that need no tfjs
 * run in a fresh project in test/consumer.test.ts); the TensorFlow.js one runs here, where tfjs is
 * installed, against this package's build (`webgpu-rnn` resolves to dist/ through package.json's
 * exports).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PyTorchSource } from '../src/index.js';
import { resolveLSTMConfig } from '../src/kernels/lstm.js';
import { lstmBackwardRef, lstmForwardRef } from '../src/kernels/lstm.ref.js';
import { expandLastStep, lastStates } from '../src/kernels/simple-rnn.ref.js';
import { relativeError } from './helpers/data.js';
import { goldenCase } from './helpers/golden-weights.js';
import {
  readmeExample,
  readmeExamples,
  root,
  runTypeScript,
  typeCheck,
  typeScriptBlockCount,
} from './helpers/readme.js';

const folder = join(root, 'artifacts', 'readme');

function writeExample(name: string): string {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}.ts`);
  writeFileSync(file, readmeExample(name));
  return file;
}

describe('README.md', () => {
  it('marks every TypeScript block with the test that runs it, and that test runs it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const examples = readmeExamples();
    expect(examples.size, 'every ```ts block has a <!-- readme-example: NAME (test/FILE ...) --> marker').toBe(
      typeScriptBlockCount(),
    );
    for (const name of examples.keys()) {
      const runner = readme.match(new RegExp(`<!-- readme-example: ${name} \\((test/[\\w.-]+\\.test\\.ts)`))?.[1];
      expect(runner, `the marker of ${name} names its test file`).toBeDefined();
      expect(existsSync(join(root, runner!)), runner).toBe(true);
      expect(readFileSync(join(root, runner!), 'utf8'), `${runner} runs ${name}`).toContain(`'${name}'`);
    }
  });

  it("runs the TensorFlow.js example as written: the fused layer trains on tfjs's webgpu backend", () => {
    const file = writeExample('tfjs-node');
    // Reports, as the process exits, whether the fused layer registered its kernels (it does so on first use).
    const probe = join(folder, 'report-kernels.mjs');
    writeFileSync(
      probe,
      "import * as tf from '@tensorflow/tfjs';\n" +
        "process.on('exit', () => console.log(`fused kernels registered: " +
        "${tf.getKernel('WebGPURNN_SimpleRNN', 'webgpu') !== undefined}`));\n",
    );
    const run = runTypeScript(root, [`--import=${probe}`, file], 240_000);
    expect(run.status, run.stderr).toBe(0);
    const [, backend, loss] = run.stdout.match(/^(\w+): loss (\S+)$/m) ?? [];
    expect(backend, run.stdout).toBe('webgpu');
    // 200 epochs of Adam from about 3,000 (the notebook ends near 50).
    expect(Number(loss)).toBeLessThan(300);
    const prediction = JSON.parse(
      run.stdout.match(/^prediction after \[70, 80, 90\]: (\[.*\])$/m)![1]!.replace(/\s+/g, ''),
    ) as number[][];
    expect(prediction[0]!.every(Number.isFinite)).toBe(true);
    expect(run.stdout).toMatch(/^fused kernels registered: true$/m);
  });

  it(
    'runs the LSTM/GRU TensorFlow.js example as written: ' +
      'fuseModel fuses, fits, and the model saves under stock class names',
    () => {
      const run = runTypeScript(root, [writeExample('tfjs-lstm-gru-node')], 240_000);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^layers: FusedLSTM, Bidirectional, Dense$/m);
      const losses = run.stdout
        .match(/^loss: (.*)$/m)![1]!
        .split(' → ')
        .map(Number);
      expect(losses).toHaveLength(3);
      expect(losses.every(Number.isFinite)).toBe(true);
      const saved = run.stdout.match(/^saved as: (.*)$/m)![1]!;
      expect(saved).toContain('"class_name":"LSTM"');
      expect(saved).toContain('"class_name":"GRU"');
      expect(saved).not.toContain('Fused');
    },
  );

  it.each(['NodeNext', 'Bundler'])(
    'type-checks the TensorFlow.js example and webgpu-rnn/tfjs declarations: ' +
      'strict, skipLibCheck false, moduleResolution %s',
    (resolution) => {
      writeExample('tfjs-node');
      const project = join(folder, `tsconfig.${resolution.toLowerCase()}.json`);
      const module = resolution === 'NodeNext' ? 'NodeNext' : 'ESNext';
      const compilerOptions = {
        strict: true,
        skipLibCheck: false,
        target: 'ES2022',
        module,
        moduleResolution: resolution,
        noEmit: true,
        types: [],
      };
      writeFileSync(project, JSON.stringify({ compilerOptions, files: ['tfjs-node.ts'] }));
      const errors = typeCheck(project);
      // tfjs 4.22's own declarations do not pass skipLibCheck: false (and tfjs-core pins an older
      // @webgpu/types whose globals clash with any other copy); every other file must.
      const theirs = errors.filter((line) => line.startsWith('../../node_modules/'));
      console.info(`${resolution}: ${theirs.length} errors in tfjs's declarations or its @webgpu/types clash, ignored`);
      expect(errors.filter((line) => !theirs.includes(line))).toEqual([]);
    },
  );

  it("runs the bare-WebGPU LSTM example against the build, printing the reference's numbers", () => {
    const run = runTypeScript(root, [writeExample('bare-webgpu-lstm')]);
    expect(run.status, run.stderr).toBe(0);
    const printed = (label: string) =>
      JSON.parse(run.stdout.match(new RegExp(`^${label} (\\[[^\\]]*\\])`, 'm'))![1]!.replace(/\s+/g, '')) as number[];
    // The same computation in the reference, with the example's data.
    const config = resolveLSTMConfig({ batch: 2, timesteps: 3, features: 1, units: 2 });
    const inputs = {
      x: [0.1, 0.2, 0.3, 0.2, 0.3, 0.4],
      kernel: [0.5, -0.3, 0.8, 0.1, 0.4, 0.2, -0.6, 0.3],
      recurrentKernel: [0.2, 0, 0.1, 0, 0, 0.3, 0, 0.1, 0.1, 0, 0.2, 0, 0, 0.1, 0, 0.3],
      bias: [0, 0, 1, 1, 0, 0, 0, 0],
    };
    const forward = lstmForwardRef(inputs, config);
    const backward = lstmBackwardRef({ ...inputs, ...forward, dh: expandLastStep([1, 1, 1, 1], 2, 3, 2) }, config);
    // float32 kernels against the float64 reference, relative to each output's largest magnitude
    expect(relativeError(printed('last states'), lastStates(forward.h, 2, 3, 2))).toBeLessThan(1e-5);
    expect(relativeError(printed('dKernel'), backward.dKernel)).toBeLessThan(1e-5);
  });

  it("runs the convertWeights example against the build: the GRU gives PyTorch's outputs", () => {
    const run = runTypeScript(root, [writeExample('convert-weights-pytorch')]);
    expect(run.status, run.stderr).toBe(0);
    const golden = goldenCase('README: nn.GRU(1, 2)');
    // The example's state dict is the golden case's, whose outputs PyTorch computed.
    const { stateDict } = golden.source as PyTorchSource;
    for (const [key, { shape, data }] of Object.entries(stateDict))
      expect(readmeExample('convert-weights-pytorch')).toContain(
        `${key}: { shape: [${shape.join(', ')}], data: [${Array.from(data).join(', ')}] }`,
      );
    expect(JSON.parse(run.stdout.match(/^(\{.*\})$/m)![1]!)).toMatchObject({ units: 2, resetAfter: true });
    const outputs = JSON.parse(run.stdout.match(/^outputs (\[[^\]]*\])/m)![1]!.replace(/\s+/g, '')) as number[];
    expect(relativeError(outputs, golden.y.data)).toBeLessThan(1e-5);
  });
});
