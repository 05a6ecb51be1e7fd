// npm run bench:gemms: the fused layers' three GEMMs over all batch·timesteps rows, each against tf.matMul
// at the same sizes on the same device, in the same run (issue #20 asks each for at least tf.matMul's
// throughput):
//   input-projection   [B·T, F]·[F, G·U]              tf.matMul(x, kernel)
//   weight-gradients   [B·T, F+U+1]ᵀ·[B·T, G·U]        tf.matMul(operands, dGates, true), with its splits' sum
//   input-gradient     [B·T, G·U]·[F, G·U]ᵀ            tf.matMul(dGates, kernel, false, true)
// GPU time per call from timestamps around each dispatch (lib/dispatch-profiler.ts): ours from a layer's
// forward + backward with the table's strategy, and with its GEMMs staged the other way (strategy.stagedGemms;
// an input gradient split over lanes is not staged either way);
// tf.matMul's from all of its dispatches, tfjs's webgpu backend running on this device. Interleaved
// rounds, the median. Needs 'timestamp-query'. `--only LSTM,1024` runs the cases whose label holds any of
// the words.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { Activation } from 'webgpu-rnn';
import { describeAdapter, requestNodeDevice } from 'webgpu-rnn/node';
import { profileDispatches } from './lib/dispatch-profiler.js';
import { matMulThroughput } from './lib/floors.js';
import { definition, fusedLayer, type Cell, type LayerCase } from './lib/fused-layer.js';
import { fixed, publish, ratio } from './lib/report.js';

const rate = (gflops: number) => (gflops >= 100 ? fixed(gflops, 0) : gflops.toPrecision(3));

const ROUNDS = 3;
const CALLS = 3;

// The navigator's gpu: tfjs's webgpu backend starts only where it finds one.
const webgpu = await requestNodeDevice({ installNavigator: true });
const { device, adapterSummary } = webgpu;
if (!device.features.has('timestamp-query')) throw new Error("bench:gemms: this adapter lacks 'timestamp-query'");
const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
tf.registerBackend('webgpu', () => new WebGPUBackend(device, webgpu.adapter.info));
if (!(await tf.setBackend('webgpu')))
  throw new Error("bench:gemms: tfjs's webgpu backend did not start on this device");
const adapter = describeAdapter(adapterSummary);
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs} on ${tf.getBackend()}`);

interface GemmCase extends LayerCase {
  readonly label: string;
}
const gemmCase = (cell: Cell, batch: number, timesteps: number, features: number, units: number, name = '') => ({
  cell,
  label: `${name || cell} ${batch}×${timesteps}×${features}×${units}`,
  config: {
    batch,
    timesteps,
    features,
    units,
    activation: 'tanh' as Activation,
    recurrentActivation: 'sigmoid' as Activation,
  },
});
// The issue's large shapes and DeepBench's LSTM H=1024 N=16 (T 25); on a CPU fallback adapter, small ones.
const CASES: GemmCase[] = adapterSummary.isFallbackAdapter
  ? [gemmCase('LSTM', 5, 3, 1, 50), gemmCase('LSTM', 32, 16, 8, 64), gemmCase('GRU', 32, 16, 8, 64)]
  : [
      gemmCase('LSTM', 8, 32, 32, 1024),
      gemmCase('GRU', 8, 32, 32, 1024),
      gemmCase('SimpleRNN', 8, 32, 32, 1024),
      gemmCase('LSTM', 32, 64, 16, 256),
      gemmCase('LSTM', 16, 25, 1024, 1024, 'DeepBench LSTM'),
    ];
const only = parseArgs({ options: { only: { type: 'string' } } }).values.only?.split(',');
const selected = CASES.filter((c) => !only || only.some((word) => c.label.includes(word)));

type Gemm = 'input-projection' | 'weight-gradients' | 'input-gradient';
const GEMMS: Gemm[] = ['input-projection', 'weight-gradients', 'input-gradient'];

/** Each GEMM's [M, K, N]: output rows, the reduction, output columns. */
function sizes(c: GemmCase): Record<Gemm, [number, number, number]> {
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const GU = definition(c.cell).gates * U;
  return {
    'input-projection': [B * T, F, GU],
    'weight-gradients': [F + U + 1, B * T, GU],
    'input-gradient': [B * T, GU, F],
  };
}

/** GPU ms per call of each of our GEMMs in a layer's forward + backward (the weight gradients with their splits). */
async function ourGemms(layer: Awaited<ReturnType<typeof fusedLayer>>): Promise<Record<Gemm, number>> {
  const kernels = await profileDispatches(device, async () => {
    for (let i = 0; i < CALLS; i++) layer.forwardBackward.run();
    await layer.forwardBackward.settle();
  });
  const ms = (...names: string[]) => names.reduce((sum, name) => sum + (kernels.get(name)?.ms ?? 0), 0) / CALLS;
  return {
    'input-projection': ms('input-projection', 'input-projection-staged'),
    'weight-gradients': ms('weight-gradients', 'weight-gradients-staged', 'weight-gradient-splits'),
    'input-gradient': ms('input-gradient', 'input-gradient-staged'),
  };
}

/** GPU ms per call of tf.matMul at each GEMM's sizes, all of its dispatches. */
async function matMuls(c: GemmCase): Promise<Record<Gemm, number>> {
  const size = sizes(c);
  const [[m1, k1, n1], [m2, k2, n2], [m3, k3, n3]] = [
    size['input-projection'],
    size['weight-gradients'],
    size['input-gradient'],
  ];
  const operands: Record<Gemm, [tf.Tensor2D, tf.Tensor2D, boolean, boolean]> = {
    'input-projection': [tf.randomUniform([m1, k1]), tf.randomUniform([k1, n1]), false, false],
    'weight-gradients': [tf.randomUniform([k2, m2]), tf.randomUniform([k2, n2]), true, false],
    'input-gradient': [tf.randomUniform([m3, k3]), tf.randomUniform([n3, k3]), false, true],
  };
  const result = {} as Record<Gemm, number>;
  for (const gemm of GEMMS) {
    const [a, b, transposeA, transposeB] = operands[gemm];
    await tf.matMul(a, b, transposeA, transposeB).data();
    const kernels = await profileDispatches(device, async () => {
      const outputs = Array.from({ length: CALLS }, () => tf.matMul(a, b, transposeA, transposeB));
      await outputs.at(-1)!.data();
      tf.dispose(outputs);
    });
    result[gemm] = [...kernels.values()].reduce((sum, { ms }) => sum + ms, 0) / CALLS;
  }
  tf.dispose(Object.values(operands).flatMap(([a, b]) => [a, b]));
  return result;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const medians = (rounds: Record<Gemm, number>[]) =>
  Object.fromEntries(GEMMS.map((g) => [g, median(rounds.map((r) => r[g]))])) as Record<Gemm, number>;

const squares = await matMulThroughput(adapterSummary.isFallbackAdapter ? [256] : [1024, 2048], ROUNDS);
const measured: {
  case: string;
  gemm: Gemm;
  size: [number, number, number];
  strategy: { stagedGemms: boolean; weightGradientRows: number; inputGradientSlices: number };
  ms: number;
  otherStagingMs: number | null;
  matMulMs: number;
  gflops: number;
  matMulGflops: number;
}[] = [];
for (const c of selected) {
  const table = await fusedLayer(device, c);
  const { stagedGemms, weightGradientRows, inputGradientSlices } = table.strategy;
  const other = await fusedLayer(device, c, { stagedGemms: !stagedGemms });
  const rounds: Record<'table' | 'other' | 'matMul', Record<Gemm, number>[]> = { table: [], other: [], matMul: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rounds.table.push(await ourGemms(table));
    rounds.other.push(await ourGemms(other));
    rounds.matMul.push(await matMuls(c));
  }
  table.destroy();
  other.destroy();
  const [ours, theOther, matMul] = [medians(rounds.table), medians(rounds.other), medians(rounds.matMul)];
  for (const gemm of GEMMS) {
    const size = sizes(c)[gemm];
    const flops = 2 * size[0] * size[1] * size[2];
    const row = {
      case: c.label,
      gemm,
      size,
      strategy: { stagedGemms, weightGradientRows, inputGradientSlices },
      ms: ours[gemm],
      // A sliced input gradient is not staged either way.
      otherStagingMs: gemm === 'input-gradient' && inputGradientSlices > 1 ? null : theOther[gemm],
      matMulMs: matMul[gemm],
      gflops: flops / ours[gemm] / 1e6,
      matMulGflops: flops / matMul[gemm] / 1e6,
    };
    console.log(JSON.stringify(row));
    measured.push(row);
  }
}

const best = Math.max(squares[0]!.gflops, ...measured.flatMap((r) => [r.gflops, r.matMulGflops]));
const staging = (staged: boolean) => (staged ? 'staged' : 'unstaged');
publish({
  name: 'gemms',
  title: "The fused layers' GEMMs against tf.matMul at the same sizes (GPU time per call, `npm run bench:gemms`)",
  adapter,
  tables: [
    {
      header: [
        'case',
        'GEMM [M×K×N]',
        'ours ms',
        'ours GFLOP/s',
        'staged the other way, ms',
        'tf.matMul ms',
        'tf.matMul GFLOP/s',
        'ours vs tf.matMul',
        'ours / best rate',
      ],
      rows: measured.map((r) => [
        r.case,
        `${r.gemm} [${r.size.join('×')}]` +
          (r.gemm === 'input-gradient' && r.strategy.inputGradientSlices > 1
            ? ` (${r.strategy.inputGradientSlices} slices)`
            : ` (${staging(r.strategy.stagedGemms)}` +
              (r.gemm === 'weight-gradients' ? `, ${r.strategy.weightGradientRows} rows a split)` : ')')),
        fixed(r.ms, 3),
        rate(r.gflops),
        r.otherStagingMs === null
          ? ''
          : `${fixed(r.otherStagingMs, 3)} (${staging(!r.strategy.stagedGemms)}, ${ratio(r.otherStagingMs / r.ms)})`,
        fixed(r.matMulMs, 3),
        rate(r.matMulGflops),
        ratio(r.matMulMs / r.ms),
        `${fixed((100 * r.gflops) / best, 1)}%`,
      ]),
    },
  ],
  notes: [
    "GPU time from timestamps around each dispatch: ours in a layer's forward + backward with the table's strategy; " +
      "tf.matMul's summed over its dispatches, tfjs's webgpu backend on the same device. The median of " +
      `${ROUNDS} interleaved rounds of ${CALLS} calls.`,
    '"ours vs tf.matMul": tf.matMul\'s time over ours (above 1x, ours is faster). The weight gradients include ' +
      'their splits\' sum; the input projection adds the bias too. "Staged the other way": the same layer with ' +
      'strategy.stagedGemms flipped, and that time over ours.',
    `The best rate: ${fixed(best, 1)} GFLOP/s, the best measured in this run (tf.matMul of squares ` +
      `${squares.map((s) => `${s.size}: ${fixed(s.gflops, 1)}`).join(', ')} GFLOP/s, or any GEMM above).`,
    ...(adapterSummary.isFallbackAdapter
      ? ['A CPU fallback adapter: these rates say nothing of a GPU; the shapes are small ones.']
      : []),
  ],
  json: { cases: measured, bestGflops: best, squares },
});
