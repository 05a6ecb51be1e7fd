// npm run bench:kernels: the fused layers (SimpleRNN, LSTM, GRU) against their stock twins (ops.stock: the
// same recurrence in stock tfjs ops, one matMul for every step's input projection, then the cell's step per
// timestep; tf.grads for the backward) on the same adapter, against the adapter's best tf.matMul
// throughput, and against a roofline limit from this adapter's own floors (an empty dispatch, a streaming
// copy, the best matMul), all measured in this run; then DeepBench's training shapes per step.
// `--only LSTM,1024` runs the cases whose label holds any of the words.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { Activation } from 'webgpu-rnn';
import { ops } from 'webgpu-rnn/tfjs';
import { describeAdapter, requestNodeDevice } from 'webgpu-rnn/node';
import { copyBandwidth, emptyDispatchMicros, matMulThroughput } from './lib/floors.js';
import { definition, fusedLayer, type Cell, type LayerCase } from './lib/fused-layer.js';
import { fixed, publish, ratio, timeInterleaved, timePerCall } from './lib/report.js';

const ROUNDS = 3;
const MATMUL_SIZES = [256, 512, 1024];

interface Case extends LayerCase {
  readonly label: string;
  /** Calls per timing round of stock (the fused layers' are calibrated: see timeInterleaved). */
  readonly stockCalls: number;
  /** Timed rounds of stock (after a warm-up round): stock takes 20-120 s per call at the larger shapes. */
  readonly stockRounds: number;
}

/** What the fused layers' timing reads of a case. */
type Layer = Pick<Case, 'cell' | 'label' | 'config'>;

const SHAPES = [
  { name: 'seed', shape: { batch: 5, timesteps: 3, features: 1, units: 50 }, stockCalls: 20 },
  { name: '', shape: { batch: 32, timesteps: 64, features: 16, units: 256 }, stockCalls: 1 },
  { name: '', shape: { batch: 8, timesteps: 32, features: 32, units: 1024 }, stockCalls: 1 },
] as const;
const VARIANTS: {
  cell: Cell;
  label: string;
  options: { activation?: Activation; recurrentActivation: Activation; resetAfter?: boolean };
}[] = [
  { cell: 'SimpleRNN', label: 'SimpleRNN', options: { recurrentActivation: 'hardSigmoid' } },
  { cell: 'LSTM', label: 'LSTM', options: { recurrentActivation: 'hardSigmoid' } },
  { cell: 'GRU', label: 'GRU', options: { recurrentActivation: 'hardSigmoid' } },
  { cell: 'GRU', label: 'GRU resetAfter', options: { recurrentActivation: 'hardSigmoid', resetAfter: true } },
];
const only = parseArgs({ options: { only: { type: 'string' } } }).values.only?.split(',');
const selected = (label: string) => !only || only.some((word) => label.includes(word));
const ALL_CASES: Case[] = VARIANTS.flatMap(({ cell, label, options }) =>
  SHAPES.map(({ name, shape, stockCalls }) => {
    // The seed model's SimpleRNN is relu; the rest run the layers' default activations.
    const activation: Activation = cell === 'SimpleRNN' && name === 'seed' ? 'relu' : 'tanh';
    const dims = `${shape.batch}×${shape.timesteps}×${shape.features}×${shape.units}`;
    return {
      cell,
      label: `${label} ${name ? `${name} ` : ''}${dims}`,
      config: { ...shape, activation, ...options },
      stockCalls,
      stockRounds: name === 'seed' ? ROUNDS : 1,
    };
  }),
);
const CASES = ALL_CASES.filter((c) => selected(c.label));

/**
 * DeepBench's RNN training shapes (T 25, inputs as wide as the layer), forward + backward per step,
 * tanh activations; cuDNN's fp32 time per step on a V100 where the issue that set the goal quotes it.
 */
const DEEPBENCH: (Layer & { cudnnV100Micros?: number })[] = (
  [
    ['LSTM', 1024, 16, 161],
    ['LSTM', 256, 32],
    ['GRU', 1024, 16],
    ['SimpleRNN', 1760, 16],
  ] as const
)
  .map(([cell, units, batch, cudnn]: readonly [Cell, number, number, number?]) => ({
    cell,
    label: `DeepBench ${cell === 'SimpleRNN' ? 'vanilla' : cell} H=${units} N=${batch}`,
    config: {
      batch,
      timesteps: 25,
      features: units,
      units,
      activation: 'tanh' as Activation,
      recurrentActivation: 'sigmoid' as Activation,
    },
    ...(cudnn ? { cudnnV100Micros: cudnn } : {}),
  }))
  .filter((c) => selected(c.label));

const webgpu = await requestNodeDevice({ installNavigator: true });
const { device } = webgpu;
await import('@tensorflow/tfjs-backend-webgpu');
await tf.setBackend('webgpu');
const adapter = describeAdapter(webgpu.adapterSummary);
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs} on ${tf.getBackend()}`);

const flops = (c: Layer) => {
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const G = definition(c.cell).gates;
  return { forward: 2 * B * T * G * U * (F + U), forwardBackward: 2 * B * T * G * U * (3 * U + 3 * F) };
};

async function timeStock(c: Case) {
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const G = definition(c.cell).gates;
  const weights = [
    tf.randomUniform([B, T, F], -1, 1),
    tf.randomUniform([F, G * U], -0.3, 0.3),
    tf.randomUniform([U, G * U], -1 / Math.sqrt(U), 1 / Math.sqrt(U)),
    tf.zeros(c.config.resetAfter ? [2, G * U] : [G * U]),
  ];
  const dh = tf.randomUniform([B, T, U], -1, 1);
  const cell = definition(c.cell);
  const { activation, recurrentActivation, resetAfter } = c.config;
  const own = { recurrentActivation, resetAfter, useInitialCellState: undefined };
  const options = { activation, returnSequences: true, ...Object.fromEntries(cell.options.map((o) => [o, own[o]])) };
  const stock = ops.stock[cell.id as 'lstm'] as unknown as (...args: [...tf.Tensor[], typeof options]) => tf.Tensor;
  const run = (...args: tf.Tensor[]) => stock(...args, options);
  const gradients = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(run(...args), dh)));
  let outputs: tf.Tensor[] = [];
  const settle = () => Promise.all(outputs.map((t) => t.data()));
  const forward = await timePerCall(
    () => {
      tf.dispose(outputs);
      outputs = [tf.tidy(() => run(...weights))];
    },
    settle,
    c.stockCalls,
    c.stockRounds,
  );
  const forwardBackward = await timePerCall(
    () => {
      tf.dispose(outputs);
      outputs = tf.tidy(() => gradients(weights));
    },
    settle,
    c.stockCalls,
    c.stockRounds,
  );
  tf.dispose([...outputs, ...weights, dh]);
  return { forward, forwardBackward };
}

/** The strategy the table picks and the other recurrence mode, timed in interleaved rounds. */
async function timeFused(c: Layer) {
  const chosen = await fusedLayer(device, c);
  const other = await fusedLayer(device, c, {
    recurrence: chosen.strategy.recurrence === 'persistent' ? 'stepwise' : 'persistent',
  });
  const ms = await timeInterleaved(
    [chosen.forward, chosen.forwardBackward, other.forward, other.forwardBackward],
    ROUNDS,
  );
  chosen.destroy();
  other.destroy();
  const timing = (layer: typeof chosen, i: number) => ({
    forward: ms[i]!,
    forwardBackward: ms[i + 1]!,
    strategy: layer.strategy,
    dispatches: layer.dispatches,
  });
  return [timing(chosen, 0), timing(other, 2)] as const;
}

const started = performance.now();
const matmul = await matMulThroughput(MATMUL_SIZES, ROUNDS);
const best = matmul[0]!.gflops;
const emptyMicros = await emptyDispatchMicros(device);
const bandwidth = await copyBandwidth(device, webgpu.adapterSummary.isFallbackAdapter ? [4, 16] : [4, 16, 256]);
console.log(`empty dispatch: ${fixed(emptyMicros)} µs; streaming copy: ${fixed(bandwidth / 1e9)} GB/s`);

/**
 * The least forward + backward could take here, in ms: every dispatch at the empty dispatch's cost,
 * each step's recurrence in either direction at the larger of reading recurrent_kernel once (at the
 * copy's rate) and its FLOPs (at `peakGflops`), and the GEMMs over all rows at `peakGflops`.
 */
function limitMs(c: Layer, dispatches: { forward: number; backward: number }, peakGflops: number): number {
  const { batch: B, timesteps: T, features: F, units: U } = c.config;
  const G = definition(c.cell).gates;
  const peak = peakGflops * 1e9;
  const step = Math.max((G * U * U * 4) / bandwidth, (2 * B * G * U * U) / peak);
  const gemms = (2 * B * T * G * U * (U + 3 * F)) / peak;
  return ((dispatches.forward + dispatches.backward) * emptyMicros) / 1000 + (2 * T * step + gemms) * 1000;
}
type Timing = Awaited<ReturnType<typeof timeFused>>[0];
const results: {
  cell: Cell;
  label: string;
  config: Case['config'];
  flops: ReturnType<typeof flops>;
  fused: Timing & { gflops: number };
  alternative: Timing;
  stock: { forward: number; forwardBackward: number; gflops: number };
}[] = [];
for (const c of CASES) {
  console.log(`\n${c.label}`);
  const [fused, other] = await timeFused(c);
  console.log(
    `  fused (${fused.strategy.recurrence}): forward ${fixed(fused.forward, 3)} ms, ` +
      `forward+backward ${fixed(fused.forwardBackward, 3)} ms`,
  );
  console.log(
    `  fused (${other.strategy.recurrence}): forward ${fixed(other.forward, 3)} ms, ` +
      `forward+backward ${fixed(other.forwardBackward, 3)} ms`,
  );
  const stock = await timeStock(c);
  console.log(`  stock tfjs: forward ${fixed(stock.forward)} ms, forward+backward ${fixed(stock.forwardBackward)} ms`);
  const f = flops(c);
  results.push({
    cell: c.cell,
    label: c.label,
    config: c.config,
    flops: f,
    fused: { ...fused, gflops: f.forwardBackward / fused.forwardBackward / 1e6 },
    alternative: other,
    stock: { ...stock, gflops: f.forwardBackward / stock.forwardBackward / 1e6 },
  });
}

const deepBench: {
  case: (typeof DEEPBENCH)[number];
  fused: Timing;
  gflops: number;
  stepMicros: number;
  cudnnV100Micros?: number;
}[] = [];

for (const c of DEEPBENCH) {
  console.log(`\n${c.label}`);
  const [fused] = await timeFused(c);
  const row = {
    case: c,
    fused,
    gflops: flops(c).forwardBackward / fused.forwardBackward / 1e6,
    stepMicros: (fused.forwardBackward * 1000) / c.config.timesteps,
    ...(c.cudnnV100Micros ? { cudnnV100Micros: c.cudnnV100Micros } : {}),
  };
  console.log(`  fused (${fused.strategy.recurrence}): ${fixed(row.stepMicros, 1)} µs per step forward+backward`);
  deepBench.push(row);
}
// The limits' FLOP rate: the best measured in this run, tf.matMul's or the fused layers' own.
const peakGflops = Math.max(best, ...results.map((r) => r.fused.gflops), ...deepBench.map((r) => r.gflops));
const limits = results.map((r) => limitMs(r, r.fused.dispatches, peakGflops));
const stepLimits = deepBench.map(
  (r) => (limitMs(r.case, r.fused.dispatches, peakGflops) * 1000) / r.case.config.timesteps,
);
const minutes = (performance.now() - started) / 60_000;

const speedUps = (cell: Cell) =>
  results.filter((r) => r.cell === cell).map((r) => ratio(r.stock.forwardBackward / r.fused.forwardBackward));

publish({
  name: 'kernels',
  title: 'Fused kernels vs stock tfjs ops on the same adapter (`npm run bench:kernels`)',
  adapter,
  tables: [
    {
      header: [
        'layer B×T×F×U',
        'forward fused',
        'forward stock',
        'speed-up',
        'fwd+bwd fused',
        'fwd+bwd stock',
        'speed-up',
        'fused GFLOP/s',
        'stock GFLOP/s',
        'fused / best matMul',
        'fwd+bwd limit',
        'fused / limit',
      ],
      rows: results.map((r, i) => [
        r.label,
        `${fixed(r.fused.forward, 3)} ms`,
        `${fixed(r.stock.forward)} ms`,
        ratio(r.stock.forward / r.fused.forward),
        `${fixed(r.fused.forwardBackward, 3)} ms`,
        `${fixed(r.stock.forwardBackward)} ms`,
        ratio(r.stock.forwardBackward / r.fused.forwardBackward),
        fixed(r.fused.gflops),
        fixed(r.stock.gflops),
        ratio(r.fused.gflops / best),
        `${fixed(limits[i]!, 3)} ms`,
        ratio(r.fused.forwardBackward / limits[i]!),
      ]),
    },
    {
      caption:
        'The recurrence strategies side by side ' +
        '(forward+backward per call; the first is the default the strategy table picks here):',
      header: ['layer', 'default', 'fwd+bwd', 'dispatches fwd / bwd', 'alternative', 'fwd+bwd', 'dispatches fwd / bwd'],
      rows: results.map((r) => [
        r.label,
        r.fused.strategy.recurrence,
        `${fixed(r.fused.forwardBackward, 3)} ms`,
        `${r.fused.dispatches.forward} / ${r.fused.dispatches.backward}`,
        r.alternative.strategy.recurrence,
        `${fixed(r.alternative.forwardBackward, 3)} ms`,
        `${r.alternative.dispatches.forward} / ${r.alternative.dispatches.backward}`,
      ]),
    },
    ...(deepBench.length
      ? [
          {
            caption: "DeepBench's training shapes (T 25, inputs as wide as the layer), forward + backward per step:",
            header: ['shape', 'strategy', 'µs per step', 'limit', 'fused / limit', 'cuDNN fp32 on a V100'],
            rows: deepBench.map((r, i) => [
              r.case.label,
              `${r.fused.strategy.recurrence}, ${r.fused.strategy.products}`,
              fixed(r.stepMicros, 1),
              fixed(stepLimits[i]!, 1),
              ratio(r.stepMicros / stepLimits[i]!),
              r.cudnnV100Micros ? `${r.cudnnV100Micros} µs` : '—',
            ]),
          },
        ]
      : []),
  ],
  notes: [
    `Limit: dispatches × the empty dispatch (${fixed(emptyMicros)} µs) + per step and direction the larger of ` +
      `recurrent_kernel's bytes at the streaming copy's ${fixed(bandwidth / 1e9)} GB/s and its FLOPs at ` +
      `${fixed(peakGflops)} GFLOP/s (the best rate measured in this run, tf.matMul's or a fused layer's), + the ` +
      "GEMMs' FLOPs at that rate.",
    `Best tf.matMul in this run: ${fixed(best)} GFLOP/s (${[...matmul]
      .sort((p, q) => p.size - q.size)
      .map((m) => `${m.size}²: ${fixed(m.gflops)}`)
      .join(', ')}).`,
    `Forward+backward speed-ups over stock, seed shape then the larger two: LSTM ${speedUps('LSTM').join(', ')}; ` +
      `GRU (resetAfter false, then true) ${speedUps('GRU').join(', ')}; SimpleRNN ${speedUps('SimpleRNN').join(', ')}.`,
    'Per call: forward (all hidden states) or forward + backward (gradients for x, kernel, recurrent_kernel, bias), ' +
      `median of ${ROUNDS} rounds; each round ends when the device is idle. ` +
      "Fused: both strategies' forward and forward + backward take turns within each round, " +
      'calls per round calibrated to about 20 ms by a warm-up call. ' +
      'Stock: after a warm-up round (at the two larger shapes one timed round).',
    "Stock: each step as tfjs-layers' SimpleRNNCell, LSTMCell and GRUCell compute it " +
      "(Keras's GRUCell for resetAfter, which tfjs lacks), tf.stack of the states; backward by tf.grads. " +
      'Activations tanh (relu for the seed SimpleRNN) and hardSigmoid. ' +
      'FLOPs count 2·B·T·G·U·(F+U) forward and 2·B·T·G·U·(3U+3F) forward+backward, G gates (1, 4, 3).',
    `tfjs ${tf.version.tfjs}, webgpu backend, flags at their defaults ` +
      `(WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD ${String(tf.env().get('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD'))}). ` +
      `The run took ${fixed(minutes, 1)} minutes.`,
  ],
  json: {
    tfjs: tf.version.tfjs,
    rounds: ROUNDS,
    minutes,
    bestMatMulGflops: best,
    emptyDispatchMicros: emptyMicros,
    copyBytesPerSecond: bandwidth,
    peakGflops,
    matmul,
    results: results.map((r, i) => ({ ...r, limitMs: limits[i] })),
    deepBench: deepBench.map((r, i) => ({ ...r, limitMicrosPerStep: stepLimits[i] })),
  },
});
webgpu.release();
process.exit(0);
