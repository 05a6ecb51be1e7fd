// npm run bench:seed: training the seed notebook's model, per epoch, in one run and from the same
// initial weights, once per recurrent cell (the notebook's SimpleRNN, then an LSTM and a GRU in its
// place): the fused layer on webgpu, the stock layer on webgpu and on cpu, the floor (the seed's
// Dense(2) head alone on webgpu), and the rows a cell has besides (the standalone trainer for
// every cell: the standalone trainer and stock tfjs on wasm, tfjs's fastest CPU backend). Then each
// recurrent layer alone (forward + backward, fused vs stock on webgpu), where a tfjs epoch's time
// goes, and a larger task per cell: a noisy sine wave, in samples per second, the trainer against
// stock tfjs on wasm and cpu, with where the trainer's epoch goes per kernel (GPU timestamps).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createTrainer, splitSequence } from 'webgpu-rnn';
import { buildSeedModel, registerKernels, SEED_CELLS, type SeedCell } from 'webgpu-rnn/tfjs';
import { describeAdapter, requestNodeDevice, useTfjsWebGPU } from 'webgpu-rnn/node';
import { profileDispatches } from './lib/dispatch-profiler.js';
import { interleavedEpochMs, modelEpochMs, profileEpoch, trainerEpochMs, type EpochProfile } from './lib/fit-timing.js';
import { emptyDispatchMicros, matMulThroughput } from './lib/floors.js';
import { fixed, publish, ratio } from './lib/report.js';
import { kernelShares, kernelStem, noisySine, SINE_TASK as SINE, windowed } from './lib/sine-task.js';

const EPOCHS_PER_ROUND = 20;
const ROUNDS = 5;
const LAYER_CALLS = 20;
// Stock tfjs on webgpu needs minutes per sine epoch on a software adapter, and on cpu tens of seconds
// for LSTM and GRU: they are timed on this many batches (after a warm-up over them), and their
// per-epoch time scaled from them.
const STOCK_WEBGPU_SINE_BATCHES = 8;
const STOCK_CPU_SINE_BATCHES = 16;
// Rounds of the sine task where it runs whole (the trainer, stock wasm, fused webgpu): the median.
const SINE_ROUNDS = 3;
// The issues' goals on a software adapter, same run: the layer alone and model.fit, fused vs stock
// webgpu; the standalone trainer vs stock cpu on the seed, and vs stock wasm on the sine task.
const GOALS = { layer: 20, fit: 2.5, trainerVsCpu: 2, trainerVsWasm: 1 };
// `--cell lstm` (repeatable): those cells only (default every cell).
const chosenCells = parseArgs({ options: { cell: { type: 'string', multiple: true } } }).values.cell;
for (const cell of chosenCells ?? [])
  if (!(SEED_CELLS as readonly string[]).includes(cell))
    throw new Error(`--cell: expected one of ${SEED_CELLS.join(', ')}; got ${cell}`);
const CELLS: readonly SeedCell[] = chosenCells ? SEED_CELLS.filter((cell) => chosenCells.includes(cell)) : SEED_CELLS;
/** Keras's name of each cell. */
const CELL_NAMES: Record<SeedCell, string> = { simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };

const adapter = describeAdapter(await useTfjsWebGPU());
registerKernels();
const trainerDevice = (await requestNodeDevice()).device;
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs}`);

const matmul = await matMulThroughput([256, 512], ROUNDS);
const bestGflops = matmul[0]!.gflops;
const emptyDispatch = await emptyDispatchMicros(trainerDevice);
console.log(`empty dispatch: ${fixed(emptyDispatch, 1)} µs; best tf.matMul: ${fixed(bestGflops)} GFLOP/s`);

type Weights = { values: Float32Array; shape: number[] }[];
async function initialWeights(options: Parameters<typeof buildSeedModel>[0]): Promise<Weights> {
  const model = buildSeedModel(options);
  const weights = await Promise.all(
    model.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })),
  );
  model.dispose();
  return weights;
}
const tensors = (weights: Weights) => weights.map((w) => tf.tensor(w.values, w.shape));

/** FLOPs of one epoch of SimpleRNN → Dense training, forward, backward and Adam. */
function flopsPerEpoch(samples: number, steps: number, T: number, F: number, U: number, O: number): number {
  const macsPerSample = T * U * (2 * F + 3 * U) + 3 * U * O;
  const parameters = F * U + U * U + U + U * O + O;
  return 2 * samples * macsPerSample + 12 * parameters * steps;
}

// --- The seed, per epoch, per cell ---------------------------------------------------------------
const [windows, targets] = splitSequence([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);
const seedTensors = () => ({ x: tf.tensor3d(windows.flat(), [5, 3, 1]), y: tf.tensor2d(targets.flat(), [5, 2]) });
const seedWeights = Object.fromEntries(
  await Promise.all(CELLS.map(async (cell) => [cell, await initialWeights({ cell, seed: 42 })] as const)),
) as Record<SeedCell, Weights>;

interface Row {
  ms: number;
  profile?: EpochProfile;
}

/** A seed model (fused or stock) from the seed's initial weights for its cell, and its data. */
function seedRun(cell: SeedCell, fused: boolean) {
  const model = buildSeedModel({ cell, fused });
  model.setWeights(tensors(seedWeights[cell]));
  return { model, ...seedTensors() };
}

/** The seed's head alone (Dense(2) on a [5, 50] input), same Adam, MSE and batch. */
function floorRun() {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [50] })] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  return { model, x: tf.randomUniform([5, 50], 0, 10, 'float32', 1), y: seedTensors().y };
}

/** Fused, stock and floor on webgpu, timed in turn each round; stock on cpu on its own. */
async function seedEpochs(cell: SeedCell): Promise<{ fused: Row; stock: Row; floor: Row; cpu: Row }> {
  await tf.setBackend('webgpu');
  const runs = [seedRun(cell, true), seedRun(cell, false), floorRun()];
  const ms = await interleavedEpochMs(runs, EPOCHS_PER_ROUND, ROUNDS);
  // One profile at a time: each instruments the backend while its epoch runs.
  const rows: Row[] = [];
  for (const [i, run] of runs.entries())
    rows.push({ ms: ms[i]!, profile: await profileEpoch(run.model, run.x, run.y) });
  for (const run of runs) {
    tf.dispose([run.x, run.y]);
    run.model.dispose();
  }
  await tf.setBackend('cpu');
  const cpuRun = seedRun(cell, false);
  const cpu = {
    ms: await modelEpochMs(cpuRun.model, cpuRun.x, cpuRun.y, EPOCHS_PER_ROUND, ROUNDS),
    profile: await profileEpoch(cpuRun.model, cpuRun.x, cpuRun.y),
  };
  tf.dispose([cpuRun.x, cpuRun.y]);
  cpuRun.model.dispose();
  const [fused, stock, floor] = rows as [Row, Row, Row];
  for (const [name, row] of [
    ['webgpu fused', fused],
    ['webgpu stock', stock],
    ['webgpu floor (Dense head alone)', floor],
    ['cpu stock', cpu],
  ] as const) {
    console.log(
      `  ${CELL_NAMES[cell]}, ${name}: ${fixed(row.ms)} ms/epoch, ${row.profile!.kernels} tfjs kernels, ` +
        `${row.profile!.reads} readbacks, ${row.profile!.uploads} uploads`,
    );
  }
  return { fused, stock, floor, cpu };
}

/**
 * The trainer's floors for an epoch of `steps` steps: dispatches × an empty dispatch's cost, and FLOPs at the best
 * tf.matMul rate.
 */
function floors(dispatchesPerStep: number, samples: number, steps: number, T: number, U: number, O: number) {
  const dispatches = steps * dispatchesPerStep;
  return {
    dispatches,
    dispatchMs: (emptyDispatch * dispatches) / 1000,
    flops: flopsPerEpoch(samples, steps, T, 1, U, O),
    flopMs: flopsPerEpoch(samples, steps, T, 1, U, O) / (bestGflops * 1e6),
  };
}
const floorNote = (f: ReturnType<typeof floors>, ms: number) =>
  `floors: ${f.dispatches} dispatches ≥ ${fixed(f.dispatchMs, 3)} ms; ` +
  `${fixed(f.flops / 1e6, 2)} MFLOP ≥ ${fixed(f.flopMs, 3)} ms (runs at ${fixed(f.flops / ms / 1e6)} GFLOP/s)`;

/** The standalone trainer on the seed with `cell` (relu, as the seed model), per epoch. */
async function seedTrainer(cell: SeedCell): Promise<ExtraRow> {
  const trainer = await createTrainer(trainerDevice, {
    timesteps: 3,
    features: 1,
    units: 50,
    outputs: 2,
    cell,
    activation: 'relu',
  });
  try {
    trainer.setWeights(seedWeights[cell].map((w) => w.values));
    trainer.setData(
      { data: Float32Array.from(windows.flat()), shape: [5, 3, 1] },
      { data: Float32Array.from(targets.flat()), shape: [5, 2] },
    );
    const ms = await trainerEpochMs(trainer, EPOCHS_PER_ROUND * 4, ROUNDS);
    console.log(
      `  ${CELL_NAMES[cell]}, standalone trainer: ${fixed(ms, 3)} ms/epoch, ` +
        `${trainer.dispatchesPerStep} dispatches per step`,
    );
    const note =
      cell === 'simpleRNN'
        ? floorNote(floors(trainer.dispatchesPerStep, 5, 1, 3, 50, 2), ms)
        : `${trainer.dispatchesPerStep} dispatches per step`;
    return {
      name: 'standalone trainer (no tfjs), webgpu',
      row: { ms },
      note,
      dispatchesPerStep: trainer.dispatchesPerStep,
    };
  } finally {
    trainer.destroy();
  }
}

/** Stock tfjs on its wasm backend (tfjs's fastest CPU backend), the seed with `cell`, per epoch. */
async function seedWasm(cell: SeedCell): Promise<ExtraRow> {
  await tf.setBackend('wasm');
  const run = seedRun(cell, false);
  const ms = await modelEpochMs(run.model, run.x, run.y, EPOCHS_PER_ROUND, ROUNDS);
  tf.dispose([run.x, run.y]);
  run.model.dispose();
  console.log(`  ${CELL_NAMES[cell]}, wasm stock: ${fixed(ms)} ms/epoch`);
  return { name: `stock ${CELL_NAMES[cell]} in model.fit, wasm`, row: { ms }, note: '' };
}

/** A row of a cell's seed table besides model.fit's: its name, its time per epoch, a note. */
interface ExtraRow {
  name: string;
  row: Row;
  note: string;
  /** The standalone trainer's dispatches per step (its rows only). */
  dispatchesPerStep?: number;
}

/**
 * What each cell's seed table has besides model.fit (fused and stock webgpu, stock cpu, the floor):
 * rows measured after those, first in the table. Add a row for a cell here (its standalone trainer,
 * tfjs-wasm...) and it lands in that cell's table, with its ratios against that cell's stock rows.
 */
const EXTRA_SEED_ROWS: Record<SeedCell, (() => Promise<ExtraRow>)[]> = Object.fromEntries(
  CELLS.map((cell) => [cell, [() => seedTrainer(cell), () => seedWasm(cell)]]),
) as Record<SeedCell, (() => Promise<ExtraRow>)[]>;

interface CellSeed {
  fused: Row;
  stock: Row;
  floor: Row;
  cpu: Row;
  extra: ExtraRow[];
}

const seed = {} as Record<SeedCell, CellSeed>;
for (const cell of CELLS) {
  console.log(`\nseed with ${CELL_NAMES[cell]}, per epoch:`);
  const rows = await seedEpochs(cell);
  const extra: ExtraRow[] = [];
  for (const measure of EXTRA_SEED_ROWS[cell]) extra.push(await measure());
  seed[cell] = { ...rows, extra };
}

// --- Each recurrent layer alone ---------------------------------------------------------------------
/** One forward + backward of the cell's layer (fused or stock) at the seed shape, input gradient included. */
function layerStep(cell: SeedCell, fused: boolean) {
  const model = buildSeedModel({ cell, fused });
  model.setWeights(tensors(seedWeights[cell]));
  const layer = model.layers[0]!;
  const x = tf.variable(seedTensors().x);
  const w = tf.randomUniform([5, 50], 0, 1, 'float32', 2);
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar,
      [x, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)],
    );
    return [value, ...Object.values(grads)];
  };
  let outputs: tf.Tensor[] = [];
  return {
    call: () => void (tf.dispose(outputs), (outputs = step())),
    settle: () => Promise.all(outputs.map((t) => t.data())),
    kernels: async () => {
      const profile = await tf.profile(step);
      tf.dispose(profile.result as tf.Tensor[]);
      return profile.kernels.length;
    },
    dispose: () => {
      tf.dispose([...outputs, x, w]);
      model.dispose();
    },
  };
}

/**
 * Fused and stock, LAYER_CALLS calls each in turn within every round, so drift touches both alike; each one's median
 * round.
 */
async function layerAlone(cell: SeedCell) {
  await tf.setBackend('webgpu');
  const runs = [layerStep(cell, true), layerStep(cell, false)];
  const samples: number[][] = runs.map(() => []);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [i, run] of runs.entries()) {
      const start = performance.now();
      for (let call = 0; call < LAYER_CALLS; call++) run.call();
      await run.settle();
      // Round 0 warms up (pipelines compile).
      if (round > 0) samples[i]!.push((performance.now() - start) / LAYER_CALLS);
    }
  }
  // One tf.profile at a time: two at once would each count the other's kernels too.
  const results: { ms: number; kernels: number }[] = [];
  for (const [i, run] of runs.entries())
    results.push({ ms: samples[i]!.sort((p, q) => p - q)[Math.floor(ROUNDS / 2)]!, kernels: await run.kernels() });
  const [fused, stock] = results;
  for (const run of runs) run.dispose();
  for (const [name, r] of [
    ['fused', fused!],
    ['stock', stock!],
  ] as const) {
    console.log(
      `  ${CELL_NAMES[cell]} alone, ${name}: ${fixed(r.ms)} ms per forward + backward, ${r.kernels} tfjs kernels`,
    );
  }
  return { fused: fused!, stock: stock! };
}
console.log('\neach recurrent layer alone, webgpu:');
const layers = {} as Record<
  SeedCell,
  { fused: { ms: number; kernels: number }; stock: { ms: number; kernels: number } }
>;
for (const cell of CELLS) layers[cell] = await layerAlone(cell);

// --- The larger task, per cell ----------------------------------------------------------------------
const sine = windowed(noisySine(SINE.points, 7), SINE.seqLen, SINE.nSteps);
const sineWeights = Object.fromEntries(
  await Promise.all(
    CELLS.map(
      async (cell) =>
        [
          cell,
          await initialWeights({ cell, seed: 9, seqLen: SINE.seqLen, nSteps: SINE.nSteps, units: SINE.units }),
        ] as const,
    ),
  ),
) as Record<SeedCell, Weights>;
const sineSteps = Math.ceil(sine.samples / SINE.batchSize);
const samplesPerSecond = (msPerEpoch: number) => (sine.samples / msPerEpoch) * 1000;

/** `batches` limits the run to that many batches of the epoch, its time scaled to a whole epoch. */
async function sineModel(cell: SeedCell, backend: 'webgpu' | 'cpu' | 'wasm', fused: boolean, batches = sineSteps) {
  await tf.setBackend(backend);
  const model = buildSeedModel({ cell, fused, seqLen: SINE.seqLen, nSteps: SINE.nSteps, units: SINE.units });
  model.setWeights(tensors(sineWeights[cell]));
  const samples = Math.min(sine.samples, batches * SINE.batchSize);
  const x = tf.tensor3d(sine.x.subarray(0, samples * SINE.seqLen), [samples, SINE.seqLen, 1]);
  const y = tf.tensor2d(sine.y.subarray(0, samples * SINE.nSteps), [samples, SINE.nSteps]);
  const epochs = batches < sineSteps ? 1 : SINE.epochs;
  const rounds = batches < sineSteps ? 1 : SINE_ROUNDS;
  const ms =
    ((await modelEpochMs(model, x, y, epochs, rounds, { batchSize: SINE.batchSize, shuffle: true }, 1)) *
      sine.samples) /
    samples;
  tf.dispose([x, y]);
  model.dispose();
  console.log(
    `  ${CELL_NAMES[cell]}, ${backend} ${fused ? 'fused' : 'stock'}: ${fixed(ms)} ms/epoch, ` +
      `${fixed(samplesPerSecond(ms), 0)} samples/s${batches < sineSteps ? ` (from ${batches} batches)` : ''}`,
  );
  return { ms, batches };
}

/** The trainer on the sine task: its time per epoch, then one more epoch profiled per kernel. */
async function sineTrainer(cell: SeedCell) {
  const t = await createTrainer(trainerDevice, {
    timesteps: SINE.seqLen,
    features: 1,
    units: SINE.units,
    outputs: SINE.nSteps,
    cell,
    activation: 'relu',
  });
  t.setWeights(sineWeights[cell].map((w) => w.values));
  t.setData(
    { data: sine.x, shape: [sine.samples, SINE.seqLen, 1] },
    { data: sine.y, shape: [sine.samples, SINE.nSteps] },
  );
  // Warmed up as long as it is timed: its first submissions learn how long to wait before mapping.
  const ms = await trainerEpochMs(t, SINE.epochs, SINE_ROUNDS, { batchSize: SINE.batchSize, shuffle: true, seed: 1 });
  const kernels = await profileDispatches(trainerDevice, () =>
    t.fit({ epochs: 1, batchSize: SINE.batchSize, seed: 2 }),
  );
  const dispatchesPerStep = t.dispatchesPerStep;
  t.destroy();
  console.log(
    `  ${CELL_NAMES[cell]}, standalone trainer: ${fixed(ms)} ms/epoch, ${fixed(samplesPerSecond(ms), 0)} samples/s, ` +
      `${dispatchesPerStep} dispatches per step; GPU ms per kernel over an epoch: ${kernelShares(kernels)}`,
  );
  return { ms, dispatchesPerStep, kernels: Object.fromEntries(kernels) };
}

interface SineRow {
  ms: number;
  batches?: number;
}

console.log(
  `\nnoisy sine, ${sine.samples} windows of ${SINE.seqLen} → ${SINE.nSteps}, ` +
    `units ${SINE.units}, batch ${SINE.batchSize}, ${SINE.epochs} epochs:`,
);
const sineRows = {} as Record<
  SeedCell,
  {
    trainer: Awaited<ReturnType<typeof sineTrainer>>;
    wasm: SineRow;
    cpu: SineRow;
    fused?: SineRow;
    stockWebGPU?: SineRow;
  }
>;
for (const cell of CELLS) {
  sineRows[cell] = {
    trainer: await sineTrainer(cell),
    wasm: await sineModel(cell, 'wasm', false),
    cpu: await sineModel(cell, 'cpu', false, STOCK_CPU_SINE_BATCHES),
    // model.fit on webgpu, fused and stock, for the notebook's SimpleRNN only: minutes per cell otherwise.
    ...(cell === 'simpleRNN'
      ? {
          fused: await sineModel(cell, 'webgpu', true),
          stockWebGPU: await sineModel(cell, 'webgpu', false, STOCK_WEBGPU_SINE_BATCHES),
        }
      : {}),
  };
}
// The floors count SimpleRNN's FLOPs: measured when SimpleRNN is among the cells run.
const sineFloors =
  sineRows.simpleRNN &&
  floors(sineRows.simpleRNN.trainer.dispatchesPerStep, sine.samples, sineSteps, SINE.seqLen, SINE.units, SINE.nSteps);

// --- The report --------------------------------------------------------------------------------------
/**
 * The fused layer's share of an epoch (epoch minus floor), and its note. The share can be smaller than the drift
 * between rounds; then say so.
 */
function shares(cell: SeedCell) {
  const { fused, stock, floor } = seed[cell];
  const share = { fused: fused.ms - floor.ms, stock: stock.ms - floor.ms };
  const alone = layers[cell].fused.ms;
  const sentence =
    share.fused > 0
      ? `the ${CELL_NAMES[cell]}'s own share (epoch minus floor) is ${ratio(share.stock / share.fused)} smaller ` +
        `(${fixed(share.fused)} ms vs ${fixed(share.stock)} ms)`
      : `the fused epoch is within noise of the floor (${fixed(fused.ms)} vs ${fixed(floor.ms)} ms), ` +
        `so the ${CELL_NAMES[cell]}'s own share is too small to separate here; ` +
        `measured alone, the fused layer's forward + backward takes ${fixed(alone)} ms, ` +
        `${ratio(share.stock / alone)} less than stock's share (${fixed(share.stock)} ms)`;
  return { share, sentence };
}
const shareNote = (ms: number) => (ms > 0 ? `RNN share ${fixed(ms)} ms` : 'RNN share within noise of the floor');
const goal = (value: number, target: number) =>
  `${ratio(value)} (goal ≥ ${target}x: ${value >= target ? 'met' : 'not met'})`;

function seedTable(cell: SeedCell) {
  const { fused, stock, floor, cpu, extra } = seed[cell];
  const name = CELL_NAMES[cell];
  const { share } = shares(cell);
  const row = (label: string, r: Row, note = '') => [
    label,
    `${fixed(r.ms, r.ms < 10 ? 3 : 2)} ms`,
    ratio(stock.ms / r.ms),
    ratio(cpu.ms / r.ms),
    r.profile ? String(r.profile.kernels) : '-',
    r.profile ? `${r.profile.reads} / ${r.profile.uploads}` : '-',
    note,
  ];
  return {
    caption: `Seed model with ${name}(50, relu) + Dense(2) (Adam, MSE, batch 5), time per epoch:`,
    header: ['per epoch', 'time', 'vs stock webgpu', 'vs stock cpu', 'tfjs kernels', 'readbacks / uploads', ''],
    rows: [
      ...extra.map((e) => row(e.name, e.row, e.note)),
      row(`fused ${name} in model.fit, webgpu`, fused, shareNote(share.fused)),
      row(`stock ${name} in model.fit, webgpu`, stock, shareNote(share.stock)),
      row(`stock ${name} in model.fit, cpu`, cpu),
      row('floor: Dense head alone in model.fit, webgpu', floor, 'what tfjs costs besides the RNN'),
    ],
  };
}

const layerTable = {
  caption: 'Each recurrent layer alone at the seed shape (forward + backward, input gradient included, webgpu):',
  header: ['layer', 'fused', 'stock', 'speed-up', 'tfjs kernels fused / stock'],
  rows: CELLS.map((cell) => {
    const { fused, stock } = layers[cell];
    return [
      `${CELL_NAMES[cell]}(50, relu)`,
      `${fixed(fused.ms)} ms`,
      `${fixed(stock.ms)} ms`,
      goal(stock.ms / fused.ms, GOALS.layer),
      `${fused.kernels} / ${stock.kernels}`,
    ];
  }),
};

function sineTable(cell: SeedCell) {
  const rows = sineRows[cell];
  const name = CELL_NAMES[cell];
  const scaled = (r: SineRow) =>
    r.batches !== undefined && r.batches < sineSteps
      ? `timed on ${r.batches} of the epoch's ${sineSteps} batches, scaled`
      : '';
  const listed: [string, SineRow, string][] = [
    [
      'standalone trainer (no tfjs), webgpu',
      rows.trainer,
      `${rows.trainer.dispatchesPerStep} dispatches per step` +
        `${sineFloors && cell === 'simpleRNN' ? `; ${floorNote(sineFloors, rows.trainer.ms)}` : ''}`,
    ],
    ...(rows.fused ? ([[`fused ${name} in model.fit, webgpu`, rows.fused, '']] as [string, SineRow, string][]) : []),
    ...(rows.stockWebGPU
      ? ([[`stock ${name} in model.fit, webgpu`, rows.stockWebGPU, scaled(rows.stockWebGPU)]] as [
          string,
          SineRow,
          string,
        ][])
      : []),
    [`stock ${name} in model.fit, wasm`, rows.wasm, scaled(rows.wasm)],
    [`stock ${name} in model.fit, cpu`, rows.cpu, scaled(rows.cpu)],
  ];
  return {
    caption:
      `Noisy sine wave: ${sine.samples} windows of ${SINE.seqLen} → ${SINE.nSteps}, ` +
      `${name}(${SINE.units}, relu) + Dense(1), Adam, MSE, batch ${SINE.batchSize}, shuffled:`,
    header: ['', 'time per epoch', 'samples/s', 'vs stock wasm', 'vs stock cpu', ''],
    rows: listed.map(([label, r, note]) => [
      label,
      `${fixed(r.ms)} ms`,
      fixed(samplesPerSecond(r.ms), 0),
      ratio(rows.wasm.ms / r.ms),
      ratio(rows.cpu.ms / r.ms),
      note,
    ]),
  };
}

/**
 * Where the trainer's sine epoch goes: GPU time per kernel, per cell (one more epoch, each dispatch in a pass of its
 * own).
 */
const profileNames = [...new Set(CELLS.flatMap((cell) => Object.keys(sineRows[cell].trainer.kernels)))];
const profileTable = {
  caption:
    "Where the standalone trainer's sine epoch goes, GPU time per kernel " +
    `(timestamp queries, one epoch of ${sineSteps} steps; each dispatch in a pass of its own for the measurement):`,
  header: ['kernel', ...CELLS.map((cell) => CELL_NAMES[cell])],
  rows: [...new Set(profileNames.map(kernelStem))].map((stem) => [
    stem,
    ...CELLS.map((cell) => {
      const entries = Object.entries(sineRows[cell].trainer.kernels).filter(([name]) => kernelStem(name) === stem);
      const ms = entries.reduce((sum, [, k]) => sum + k.ms, 0);
      const total = Object.values(sineRows[cell].trainer.kernels).reduce((sum, k) => sum + k.ms, 0);
      const dispatches = entries.reduce((sum, [, k]) => sum + k.dispatches, 0);
      return entries.length
        ? `${fixed(ms, 0)} ms (${fixed((100 * ms) / total, 0)}%, ${dispatches / sineSteps}/step)`
        : '-';
    }),
  ]),
};

publish({
  name: 'seed',
  title: 'Training the seed model and a larger task (`npm run bench:seed`)',
  adapter,
  tables: [...CELLS.map(seedTable), layerTable, ...CELLS.map((cell) => sineTable(cell)), profileTable],
  notes: [
    ...CELLS.map((cell) => {
      const { fused, stock, floor } = seed[cell];
      return (
        `Seed with ${CELL_NAMES[cell]}, fused layer in model.fit: ${goal(stock.ms / fused.ms, GOALS.fit)} faster ` +
        `than stock on webgpu; ${shares(cell).sentence}. ` +
        `The rest of its epoch is the floor: ${floor.profile!.kernels} tfjs kernels for the head, loss and Adam.`
      );
    }),
    ...CELLS.map((cell) => {
      const trainer = seed[cell].extra[0]!;
      const wasm = seed[cell].extra[1]!;
      const { trainer: onSine, wasm: sineWasm } = sineRows[cell];
      return (
        `Standalone trainer with ${CELL_NAMES[cell]}: ` +
        `on the seed ${goal(seed[cell].cpu.ms / trainer.row.ms, GOALS.trainerVsCpu)} faster than stock tfjs on cpu ` +
        `(${ratio(wasm.row.ms / trainer.row.ms)} vs wasm), per epoch; ` +
        `on the sine task ${goal(sineWasm.ms / onSine.ms, GOALS.trainerVsWasm)} as fast as stock tfjs on wasm ` +
        `(${fixed(samplesPerSecond(onSine.ms), 0)} vs ${fixed(samplesPerSecond(sineWasm.ms), 0)} samples/s).`
      );
    }),
    `Goals, this adapter, same run: each layer alone at least ${GOALS.layer}x faster than its stock layer on webgpu, ` +
      `and model.fit at least ${GOALS.fit}x faster than stock on webgpu ` +
      '(the floor, the head, loss and Adam in tfjs, bounds it).',
    `Floors, measured in this run: an empty dispatch costs ${fixed(emptyDispatch, 1)} µs ` +
      '(in one pass, one submission, as the trainer issues them), ' +
      `and the best tf.matMul runs at ${fixed(bestGflops)} GFLOP/s ` +
      `(${matmul.map((m) => `${m.size}²: ${fixed(m.gflops)}`).join(', ')}). ` +
      'An epoch cannot beat its dispatches × that cost; ' +
      "the FLOP floor is what the epoch would take at tfjs's best matMul rate, " +
      "which the trainer's own kernels beat where it says so.",
    `model.fit and trainer.fit per epoch: ${EPOCHS_PER_ROUND}-epoch rounds ` +
      `(seed; ${EPOCHS_PER_ROUND * 4} for the trainer), median of ${ROUNDS} after a warm-up round, ` +
      'fused, stock and floor on webgpu taking turns within each round, per cell; ' +
      `the layers alone ${LAYER_CALLS} calls per round, fused and stock taking turns, ` +
      `median of ${ROUNDS} after a warm-up round; ` +
      `the sine task ${SINE.epochs}-epoch rounds, median of ${SINE_ROUNDS} after a 1-epoch warm-up ` +
      `(the trainer's ${SINE.epochs} epochs, in which it learns how long to wait before mapping its losses), ` +
      'stock cpu and webgpu one round on a share of the batches, scaled, ' +
      "then the trainer's profile over one more epoch. " +
      'Kernels counted with tf.profile over one epoch; ' +
      'readbacks are backend reads, uploads tensors written from host data.',
    `tfjs ${tf.version.tfjs}, flags at their defaults.`,
  ],
  json: {
    epochsPerRound: EPOCHS_PER_ROUND,
    rounds: ROUNDS,
    emptyDispatchMicros: emptyDispatch,
    matmul,
    goals: GOALS,
    seed: Object.fromEntries(CELLS.map((cell) => [cell, { ...seed[cell], share: shares(cell).share }])),
    layer: layers,
    sine: { ...SINE, samples: sine.samples, steps: sineSteps, floors: sineFloors, cells: sineRows },
  },
});
process.exit(0);
