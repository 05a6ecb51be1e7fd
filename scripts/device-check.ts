// scripts/device-check.ts: what a lent hardware GPU must show, in one run (it runs on any adapter).
// 0. The hardware path before and after cooperative products, split and staged GEMMs, forward + backward,
//    interleaved rounds; then, with timestamps, each kernel's GPU time per call and the GEMMs' GFLOP/s.
// 1. Every cell against its float64 reference on awkward shapes, with the strategy the table picks
//    for this adapter and each alternative, each case run three more times and required bit-identical:
//    on a GPU, workgroups really run at once, so a race shows as a moving result.
// 2. The recurrence strategies timed per cell and shape (forward + backward), to check the table's
//    picks for this adapter against the alternatives it could have made.
// 3. The standalone trainer, every cell: 200 epochs of the seed data against stock tfjs on cpu from
//    the same initial weights.
// 4. The standalone trainer's speed, every cell: the noisy-sine task of bench:seed, samples/s and GPU
//    time per kernel, with the table's strategy, the same in one weight-gradient split or unstaged, and the
//    hardware half before cooperative products, split and staged GEMMs (a few seconds; bench:seed's peers
//    take minutes).
// Prints a table per part and writes bench/results/device-check.json; exits 1 on any failure.
// `--quick`: two small shapes per part, to try the script itself on a software adapter;
// `--parts strategies,trainer` and `--cells GRU,LSTM` run some parts or cells only; `--shapes
// 32x64x16x128,8x32x32x512` times the paths and strategies on those shapes (batch×timesteps×features×units).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createFloat32Buffer, createTrainer, type TrainerCell } from '../src/index.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../src/kernels/strategy.js';
import { describeAdapter } from '../src/node.js';
import {
  compareWithReference,
  KINDS,
  layerData,
  outOfTolerance,
  runLayer,
  type AnyConfig,
  type LayerKind,
} from '../test/helpers/layer-case.js';
import { chunked, staged, stepwise } from '../test/helpers/layer-grid.js';
import { profileDispatches } from '../bench/lib/dispatch-profiler.js';
import { timeInterleaved, type Timed } from '../bench/lib/report.js';
import { kernelShares, noisySine, SINE_TASK, windowed } from '../bench/lib/sine-task.js';
import { SEED_TARGETS, SEED_WINDOWS, stockSeedLosses } from '../test/helpers/stock-seed.js';
import { bytes } from '../test/helpers/trainer-data.js';
import { nodeWebGPU } from '../test/helpers/webgpu.js';

const { device, adapter: gpuAdapter, adapterSummary } = await nodeWebGPU();
const adapter = describeAdapter(adapterSummary);
console.log(`adapter: ${adapter}; driver ${adapterSummary.driver}`);
console.log(`features: ${[...gpuAdapter.features].sort().join(', ')}`);
const failures: string[] = [];
/** A part's table, when the part ran. */
const table = (rows: object[]) => rows.length > 0 && console.table(rows);
const args = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    parts: { type: 'string', default: 'paths,check,strategies,trainer,speed' },
    cells: { type: 'string' },
    shapes: { type: 'string' },
  },
}).values;
const quick = args.quick;
const parts = new Set(args.parts.split(','));
const sample = <T>(list: T[]) => (quick ? list.slice(0, 2) : list);
/** batch, timesteps, features, units */
type Dims = [number, number, number, number];
const parseShape = (text: string): Dims => {
  const dims = text.split('x').map(Number);
  if (dims.length !== 4 || !dims.every((d) => Number.isInteger(d) && d >= 1))
    throw new Error(
      '--shapes: expected batch×timesteps×features×units as 4 positive integers joined by x, ' +
        `e.g. 32x64x16x128; got ${text}`,
    );
  return dims as Dims;
};
/** --shapes, for the parts that time shapes (paths, strategies). */
const askedShapes = args.shapes?.split(',').map(parseShape);

const CELLS: { name: string; kind: LayerKind; flags: Partial<AnyConfig> }[] = [
  { name: 'SimpleRNN', kind: 'SimpleRNN' as const, flags: {} },
  { name: 'LSTM', kind: 'LSTM' as const, flags: {} },
  { name: 'GRU', kind: 'GRU' as const, flags: {} },
  { name: 'GRU resetAfter', kind: 'GRU' as const, flags: { resetAfter: true } },
].filter((cell) => !args.cells || args.cells.split(',').includes(cell.name));
const traits = deviceTraits(device);
const pick = (kind: LayerKind, shape: AnyConfig, fallback = traits.isFallbackAdapter) =>
  chooseStrategy({ ...traits, isFallbackAdapter: fallback }, { ...shape, gates: KINDS[kind].gates });

// --- Timing ---------------------------------------------------------------------------------------
const ROUNDS = 5;

/** A layer with its inputs uploaded: forward + backward per call, into the same outputs, to time. */
function timedLayer(kind: LayerKind, config: AnyConfig): Timed & { destroy(): void } {
  const layer = KINDS[kind].create(device, config);
  const data = layerData(kind, config, 7);
  const upload = (a: Float32Array) => createFloat32Buffer(device, a);
  const inputs = {
    x: upload(data.x),
    kernel: upload(data.kernel),
    recurrentKernel: upload(data.recurrentKernel),
    bias: upload(data.bias),
    initialState: null,
    ...(kind === 'LSTM' ? { initialCellState: null } : {}),
  };
  const dh = upload(data.dh);
  const encoder = device.createCommandEncoder();
  const forward = layer.encodeForward(encoder, inputs, {});
  const backward = layer.encodeBackward(encoder, { ...inputs, ...forward, dh });
  device.queue.submit([encoder.finish()]);
  return {
    run() {
      const e = device.createCommandEncoder();
      layer.encodeForward(e, inputs, forward);
      layer.encodeBackward(e, { ...inputs, ...forward, dh }, backward);
      device.queue.submit([e.finish()]);
    },
    settle: () => device.queue.onSubmittedWorkDone(),
    destroy: () =>
      [...Object.values(inputs), dh, ...Object.values(forward), ...Object.values(backward)].forEach((b) =>
        b?.destroy(),
      ),
  };
}

/**
 * Median ms per call of each variant, timed in interleaved rounds after a warm-up call each (made
 * when the layer was, its pipelines compiling): see timeInterleaved. A variant this adapter cannot
 * create is 'refused'.
 */
async function timeVariants(kind: LayerKind, configs: AnyConfig[]): Promise<(number | 'refused')[]> {
  const layers = configs.map((config) => {
    try {
      return timedLayer(kind, config);
    } catch {
      return null;
    }
  });
  const created = layers.filter((layer) => layer !== null);
  await device.queue.onSubmittedWorkDone();
  const ms = await timeInterleaved(created, ROUNDS, 20, 50);
  created.forEach((layer) => layer.destroy());
  return layers.map((layer) => (layer ? ms[created.indexOf(layer)]! : 'refused'));
}

// --- 0. The hardware path, before and after -----------------------------------------------------
// Forward + backward per call with the hardware half of the table (on a GPU, its own pick) and with
// that half before cooperative products (previousHardwarePick), in interleaved rounds: the first
// question for a GPU. So that each change has its own ratio, the table also runs with its GEMMs unstaged
// (each lane loading its own operands) and, where it
// splits the GEMMs' reductions (the weight gradients' rows, the input gradient's columns), without the
// splits.
/**
 * The hardware half of the table before cooperative products: one lane per 4 units looping over k, the
 * GEMMs as they were (unstaged, the weight gradients in one split up to 32,768 rows; an invocation per
 * input-gradient tile).
 */
function previousHardwarePick(kind: LayerKind, shape: AnyConfig): Partial<Strategy> {
  const tiles = Math.ceil(shape.units / 4);
  const weightBytes = KINDS[kind].gates * shape.units * shape.units * 4;
  const persistent = shape.units <= 128;
  const lanes = persistent ? Math.min(2 ** Math.ceil(Math.log2(tiles)), 256) : 16;
  return {
    recurrence: persistent ? 'persistent' : 'stepwise',
    recurrenceWorkgroupSize: Math.min(lanes, device.limits.maxComputeInvocationsPerWorkgroup),
    weightsInWorkgroup: persistent && weightBytes <= device.limits.maxComputeWorkgroupStorageSize,
    products: 'loops',
    ...UNSPLIT,
    ...UNSTAGED,
  };
}
const UNSPLIT = { weightGradientRows: 32_768, inputGradientSlices: 1 } as const;
const UNSTAGED = { stagedGemms: false } as const;
const PATH_SHAPES: Dims[] = askedShapes ?? [
  [5, 3, 1, 50],
  [32, 64, 16, 256],
  [8, 32, 32, 1024],
];
const formatMs = (t: number | 'refused') => (t === 'refused' ? t : t.toFixed(3));
const ratio = (slow?: number | 'refused', fast?: number | 'refused') =>
  typeof slow === 'number' && typeof fast === 'number' ? `${(slow / fast).toFixed(2)}x` : '-';
const pathRows: Record<string, string>[] = [];
const profileRows: Record<string, string>[] = [];
const PROFILED_CALLS = 3;

/**
 * Where a call's GPU time goes with the table's pick (timestamps around each dispatch): ms per call for
 * each kernel, and the GEMMs' GFLOP/s (the weight gradients' with their splits' sum beside them).
 */
async function profileCall(kind: LayerKind, config: AnyConfig, name: string): Promise<Record<string, string>> {
  const layer = timedLayer(kind, config);
  await layer.settle();
  const kernels = await profileDispatches(device, async () => {
    for (let i = 0; i < PROFILED_CALLS; i++) layer.run();
    await layer.settle();
  });
  layer.destroy();
  const { batch: B, timesteps: T, features: F, units: U } = config;
  const G = KINDS[kind].gates;
  const projectionFlops = 2 * B * T * F * G * U;
  const weightGradientFlops = 2 * B * T * (F + U + 1) * G * U;
  const gemmFlops: Record<string, number> = {
    'input-projection': projectionFlops,
    'input-projection-staged': projectionFlops,
    'weight-gradients': weightGradientFlops,
    'weight-gradients-staged': weightGradientFlops,
    'input-gradient': 2 * B * T * G * U * F,
    'input-gradient-staged': 2 * B * T * G * U * F,
  };
  const row: Record<string, string> = { case: name };
  for (const [kernel, { ms }] of kernels) {
    const perCall = ms / PROFILED_CALLS;
    const flops = gemmFlops[kernel];
    row[`${kernel} ms`] = perCall.toFixed(3) + (flops ? ` (${(flops / perCall / 1e6).toPrecision(3)} GFLOP/s)` : '');
  }
  return row;
}

for (const cell of parts.has('paths') ? CELLS : []) {
  for (const [batch, timesteps, features, units] of sample(PATH_SHAPES)) {
    const base: AnyConfig = { batch, timesteps, features, units, ...cell.flags };
    const table = pick(cell.kind, base, false);
    const before = previousHardwarePick(cell.kind, base);
    const split =
      table.weightGradientRows !== UNSPLIT.weightGradientRows ||
      table.inputGradientSlices !== UNSPLIT.inputGradientSlices;
    const [after, old, unstaged, unsplit] = await timeVariants(cell.kind, [
      { ...base, strategy: table },
      { ...base, strategy: before },
      { ...base, strategy: { ...table, ...UNSTAGED } },
      ...(split ? [{ ...base, strategy: { ...table, ...UNSPLIT } }] : []),
    ]);
    const G = KINDS[cell.kind].gates;
    const flops = 2 * batch * timesteps * G * units * (3 * units + 3 * features);
    const row = {
      case: `${cell.name} ${batch}×${timesteps}×${features}×${units}`,
      'table (cooperative) ms': formatMs(after!),
      'before (loops) ms': formatMs(old!),
      'before / table': ratio(old, after),
      'weight-gradient splits': `${Math.ceil((batch * timesteps) / table.weightGradientRows)}`,
      'input-gradient slices': `${table.inputGradientSlices}`,
      'unsplit / table': split ? ratio(unsplit, after) : '-',
      'unstaged / table': ratio(unstaged, after),
      'table GFLOP/s': typeof after === 'number' ? (flops / after / 1e6).toFixed(1) : '-',
    };
    console.log(JSON.stringify(row));
    pathRows.push(row);
    if (device.features.has('timestamp-query') && typeof after === 'number') {
      const profile = await profileCall(cell.kind, { ...base, strategy: table }, row.case);
      console.log(JSON.stringify(profile));
      profileRows.push(profile);
    }
  }
}
table(pathRows);
if (profileRows.length > 0) {
  console.log("\nThe table's pick, GPU time per kernel and call (each dispatch in a pass of its own):");
  table(profileRows);
}

// --- 1. Correctness and repeatability ------------------------------------------------------------
const SHAPES: Dims[] = [
  [1, 1, 1, 1],
  [5, 3, 1, 50],
  [33, 17, 3, 2],
  [7, 13, 5, 65],
  [5, 17, 8, 257],
  [128, 20, 1, 32],
  [2, 3, 3, 1024],
  [9, 40, 16, 256],
];
const REPEATS = 3;
const bitIdentical = (a: Record<string, Float32Array | null>, b: Record<string, Float32Array | null>) =>
  Object.keys(a).every((name) => (a[name] === null ? b[name] === null : bytes(a[name]!).equals(bytes(b[name]!))));

const checkRows: string[][] = [];
for (const cell of parts.has('check') ? CELLS : []) {
  for (const [i, [batch, timesteps, features, units]] of sample(SHAPES).entries()) {
    const base: AnyConfig = {
      batch,
      timesteps,
      features,
      units,
      ...cell.flags,
      goBackwards: i % 2 === 1,
      useInitialState: i % 3 === 0,
    };
    const chosen = pick(cell.kind, base);
    const variants: [string, Partial<Strategy>][] = [
      ['chosen', chosen],
      ['other mode', { ...chosen, recurrence: chosen.recurrence === 'persistent' ? 'stepwise' : 'persistent' }],
      ['table other half', pick(cell.kind, base, !traits.isFallbackAdapter)],
      ['stepwise 16', { ...chosen, ...stepwise }],
      ['weights in workgroup', { ...chosen, ...staged }],
      ['chunked', { ...chosen, ...chunked }],
    ];
    for (const [label, strategy] of variants) {
      const config = { ...base, strategy };
      const name = `${cell.name} B${batch} T${timesteps} F${features} U${units} ${label}`;
      try {
        const data = layerData(cell.kind, config, 1000 + i);
        const result = await compareWithReference(device, cell.kind, config, 1000 + i, {}, data);
        const bad = outOfTolerance(result);
        let moved = 0;
        for (let r = 0; r < REPEATS; r++)
          if (!bitIdentical(result.gpu, await runLayer(device, cell.kind, config, data))) moved++;
        const worst = Math.max(...Object.values(result.errors));
        checkRows.push([
          name,
          worst.toExponential(1),
          moved ? `${moved}/${REPEATS} differ` : 'identical',
          bad.length ? bad.join(', ') : 'ok',
        ]);
        if (bad.length || moved)
          failures.push(`${name}: ${[...bad, moved ? 'results differ between runs' : ''].filter(Boolean).join(', ')}`);
      } catch (error) {
        // A strategy this adapter cannot run (weights past workgroup memory) is refused by name.
        const message = (error as Error).message;
        checkRows.push([name, '-', '-', `refused: ${message.slice(0, 100)}`]);
        if (!message.startsWith('strategy.')) failures.push(`${name}: ${message}`);
      }
    }
  }
}
table(checkRows.map(([c, err, repeat, verdict]) => ({ case: c, 'worst rel. error': err, repeats: repeat, verdict })));

// --- 2. Strategies timed --------------------------------------------------------------------------
const TIMED_SHAPES: Dims[] = askedShapes ?? [
  [5, 3, 1, 50],
  [128, 20, 1, 32],
  [32, 64, 16, 256],
  [8, 32, 32, 1024],
  [64, 32, 32, 512],
];

const timingRows: Record<string, string | number>[] = [];
const timings: { cell: string; shape: number[]; label: string; strategy: Strategy; ms: number; gflops: number }[] = [];
for (const cell of parts.has('strategies') ? CELLS : []) {
  for (const [batch, timesteps, features, units] of sample(TIMED_SHAPES)) {
    if (traits.isFallbackAdapter && units > 256) continue; // minutes per call on the CPU
    const base: AnyConfig = { batch, timesteps, features, units, ...cell.flags };
    const chosen = pick(cell.kind, base);
    const lanes = [16, 64, 256].filter((n) => n <= device.limits.maxComputeInvocationsPerWorkgroup);
    const variants: [string, Partial<Strategy>][] = [
      ['chosen', chosen],
      ...lanes.map((n): [string, Partial<Strategy>] => [
        `persistent ${n}`,
        { ...chosen, recurrence: 'persistent', recurrenceWorkgroupSize: n, weightsInWorkgroup: false },
      ]),
      ...lanes.map((n): [string, Partial<Strategy>] => [
        `persistent ${n}, weights in workgroup`,
        { ...chosen, recurrence: 'persistent', recurrenceWorkgroupSize: n, weightsInWorkgroup: true },
      ]),
      ...lanes.map((n): [string, Partial<Strategy>] => [
        `stepwise ${n}`,
        { ...chosen, recurrence: 'stepwise', recurrenceWorkgroupSize: n },
      ]),
      ['gemm [4, 4]', { ...chosen, gemmWorkgroup: [4, 4] }],
      ['gemm [16, 16]', { ...chosen, gemmWorkgroup: [16, 16] }],
    ];
    const G = KINDS[cell.kind].gates;
    const flops = 2 * batch * timesteps * G * units * (3 * units + 3 * features);
    const row: Record<string, string | number> = { case: `${cell.name} ${batch}×${timesteps}×${features}×${units}` };
    const measured = await timeVariants(
      cell.kind,
      variants.map(([, strategy]) => ({ ...base, strategy })),
    );
    for (const [i, [label, strategy]] of variants.entries()) {
      const ms = measured[i]!;
      row[label] = ms === 'refused' ? ms : Number(ms.toFixed(3));
      if (ms !== 'refused')
        timings.push({
          cell: cell.name,
          shape: [batch, timesteps, features, units],
          label,
          strategy: { ...chosen, ...strategy },
          ms,
          gflops: flops / ms / 1e6,
        });
    }
    const ok = timings.filter((t) => t.cell === cell.name && t.shape[3] === units && t.shape[0] === batch);
    const best = ok.reduce((a, b) => (b.ms < a.ms ? b : a));
    row.best = `${best.label} (${(ok[0]!.ms / best.ms).toFixed(2)}x chosen, ${best.gflops.toFixed(1)} GFLOP/s)`;
    timingRows.push(row);
    console.log(
      `${row.case}: chosen ` +
        JSON.stringify({
          recurrence: chosen.recurrence,
          lanes: chosen.recurrenceWorkgroupSize,
          weightsInWorkgroup: chosen.weightsInWorkgroup,
        }) +
        `; ms per variant ${JSON.stringify(row)}`,
    );
  }
}
table(timingRows);

// --- 3. The standalone trainer against stock tfjs on cpu ------------------------------------------
const EPOCHS = 200;
const TOLERANCE = 1e-3;
await tf.setBackend('cpu');
const trainerRows: Record<string, string>[] = [];
for (const cell of parts.has('trainer') ? (['simpleRNN', 'lstm', 'gru'] as TrainerCell[]) : []) {
  for (const units of sample([[50], [12, 50]])) {
    const activation = cell === 'simpleRNN' ? 'relu' : 'tanh';
    const trainer = await createTrainer(device, {
      timesteps: 3,
      features: 1,
      units,
      outputs: 2,
      cell,
      activation,
      optimizer: { learningRate: 0.01 },
      seed: 7,
    });
    const stock = await stockSeedLosses(
      { cell, units, activation, optimizer: 'adam', learningRate: 0.01, loss: 'mse' },
      await trainer.getWeights(),
      EPOCHS,
      32,
    );
    trainer.setData(
      SEED_WINDOWS.map((w) => w.map((v) => [v])),
      SEED_TARGETS,
    );
    const start = performance.now();
    const loss = await trainer.fit({ epochs: EPOCHS, batchSize: 32, shuffle: false });
    const ms = (performance.now() - start) / EPOCHS;
    trainer.destroy();
    const worst = Math.max(...loss.map((l, e) => Math.abs(l - stock[e]!) / Math.abs(stock[e]!)));
    const name = `${cell} [${units.join(', ')}]`;
    trainerRows.push({
      case: name,
      'worst per-epoch loss difference': worst.toExponential(1),
      'ms per epoch (fit of 200)': ms.toFixed(3),
      verdict: worst < TOLERANCE ? 'ok' : 'FAIL',
    });
    if (!(worst < TOLERANCE)) failures.push(`trainer ${name}: per-epoch losses differ from stock tfjs cpu by ${worst}`);
  }
}
table(trainerRows);

// --- 4. The standalone trainer's speed ------------------------------------------------------------
// The table's strategy (on a GPU it splits the sine task's 2,560 rows a step into 10 weight-gradient
// splits of 256: more, shorter invocations, and stages the GEMMs' operands), the same in one split or
// unstaged, and the hardware half before this package's cooperative products, split and staged GEMMs,
// epochs taking turns.
const SPEED_VARIANTS: [string, Partial<Strategy> | undefined][] = [
  ['table', undefined],
  ['one weight-gradient split', { weightGradientRows: UNSPLIT.weightGradientRows }],
  ['GEMMs unstaged', UNSTAGED],
  [
    'before (loops, 16 lanes, unsplit, unstaged)',
    { products: 'loops', recurrenceWorkgroupSize: 16, ...UNSPLIT, ...UNSTAGED },
  ],
];
const SPEED_ROUNDS = 3;
const speedRows: Record<string, string>[] = [];
if (parts.has('speed')) {
  const { seqLen, nSteps, units, batchSize } = SINE_TASK;
  const sine = windowed(noisySine(SINE_TASK.points, 7), seqLen, nSteps);
  for (const cell of ['simpleRNN', 'lstm', 'gru'] as TrainerCell[]) {
    const trainers = [];
    for (const [, strategy] of SPEED_VARIANTS) {
      const trainer = await createTrainer(device, {
        timesteps: seqLen,
        features: 1,
        units,
        outputs: nSteps,
        cell,
        activation: 'relu',
        seed: 9,
        strategy,
      });
      trainer.setData(
        { data: sine.x, shape: [sine.samples, seqLen, 1] },
        { data: sine.y, shape: [sine.samples, nSteps] },
      );
      await trainer.fit({ epochs: 1, batchSize });
      trainers.push(trainer);
    }
    const times: number[][] = trainers.map(() => []);
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      for (const [i, trainer] of trainers.entries()) {
        const start = performance.now();
        await trainer.fit({ epochs: 1, batchSize, seed: round });
        times[i]!.push(performance.now() - start);
      }
    }
    for (const [i, trainer] of trainers.entries()) {
      const ms = times[i]!.sort((a, b) => a - b)[SPEED_ROUNDS >> 1]!;
      const kernels = await profileDispatches(device, () => trainer.fit({ epochs: 1, batchSize, seed: 9 }));
      const row = {
        case: `${cell}(${units}), sine, ${SPEED_VARIANTS[i]![0]}`,
        'samples/s': ((1000 * sine.samples) / ms).toFixed(0),
        'ms per epoch': ms.toFixed(1),
        'dispatches per step': String(trainer.dispatchesPerStep),
        'GPU ms per kernel, one epoch': kernelShares(kernels),
      };
      console.log(JSON.stringify(row));
      speedRows.push(row);
      trainer.destroy();
    }
  }
}

writeFileSync(
  'bench/results/device-check.json',
  JSON.stringify(
    {
      date: new Date().toISOString().slice(0, 10),
      adapter,
      paths: pathRows,
      pathProfiles: profileRows,
      checks: checkRows,
      timings,
      trainer: trainerRows,
      speed: speedRows,
      failures,
    },
    null,
    1,
  ) + '\n',
);
console.log(
  failures.length
    ? `FAILED ${failures.length}:\n${failures.join('\n')}`
    : `all ${checkRows.length} kernel checks and ${trainerRows.length} trainer runs passed; ` +
        `${speedRows.length} cells timed`,
);
process.exit(failures.length ? 1 : 0);
