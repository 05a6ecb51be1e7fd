// npm run bench:text: training text models, in characters (or samples) per second: tfjs's text-generation
// example (LSTM(128) on one-hot windows of 40, batch 128, RMSProp), char-rnn's classic settings (Embedding →
// 2 LSTM(128) → softmax on every step, 50 steps, batch 50) and a sentiment-style classifier (Embedding(maskZero)
// → LSTM(32) → sigmoid, batch 32). Per task: the standalone trainer, the fuseModel'd model in model.fit on
// webgpu and the stock model on webgpu (the three timed in turn each round), on cpu and on wasm (tfjs's fastest
// CPU backend), and PyTorch on this machine's CPU for the char-RNNs (bench/text-pytorch.py).
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createTrainer, type Trainer, type TrainerConfig } from 'webgpu-rnn';
import { fuseModel, registerKernels } from 'webgpu-rnn/tfjs';
import { describeAdapter, requestNodeDevice, useTfjsWebGPU } from 'webgpu-rnn/node';
import { gpuErrors } from './lib/gpu-errors.js';
import { fixed, publish, ratio } from './lib/report.js';
import { TEXT, textTasks, type TaskSize, type TextTask } from './lib/text-tasks.js';

const ROUNDS = 3;
// The trainer's fit runs this many epochs (of `--batches` steps) per round: several epochs go in one
// submission, as the trainer trains.
const TRAINER_EPOCHS = 4;
// The goals on a hardware GPU: the trainer at least this much faster than stock tfjs on wasm, and faster than
// PyTorch on the CPU.
const GOAL_VS_WASM = 20;
// `--size test` for a quick run; `--batches N`: the steps an epoch runs (stock tfjs on webgpu takes seconds a
// step on a software adapter at these sizes).
const args = parseArgs({
  options: { size: { type: 'string', default: 'bench' }, batches: { type: 'string', default: '2' } },
});
const size = args.values.size as TaskSize;
if (size !== 'test' && size !== 'bench') throw new Error(`--size: expected test or bench; got ${size}`);
const batches = Number(args.values.batches);
if (!Number.isInteger(batches) || batches < 1)
  throw new Error(`--batches: expected a positive integer; got ${args.values.batches}`);

const summary = await useTfjsWebGPU();
const adapter = describeAdapter(summary);
registerKernels();
const trainerDevice = (await requestNodeDevice()).device;
const tasks = textTasks(size, batches);
const batchesText = `${batches} step${batches === 1 ? '' : 's'}`;
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs}; ${batchesText} per epoch; text: ${TEXT}`);

type Input = TextTask['input'];
/** Milliseconds per training step (one batch), or why there is none. */
type Timing = { ms: number } | { failed: string };
interface Row {
  label: string;
  input: Input;
  timing: Timing;
  /** GPU errors stock tfjs logged in its first epoch (its results are wrong when there are any). */
  errors?: string[];
}

const TORCH_LABEL = "PyTorch, this machine's CPU";
const message = (error: unknown) => String((error as Error).message ?? error).split('\n')[0]!;
const outputsOf = (task: TextTask) => (task.head === 'sigmoid' ? 1 : task.vocabulary);

/** Ids as one-hot rows [samples, timesteps, vocabulary]; under maskZero id 0 is a row of zeros (Masking's). */
function oneHot(task: TextTask): Float32Array {
  const values = new Float32Array(task.ids.length * task.vocabulary);
  task.ids.forEach((id, i) => {
    if (!(task.maskZero && id === 0)) values[i * task.vocabulary + id] = 1;
  });
  return values;
}

/** The targets as the loss takes them: one-hot rows, class ids, or 0/1 labels; and their shape. */
function targets(task: TextTask): { data: Float32Array | Int32Array; shape: number[] } {
  const n = task.samples;
  if (task.loss === 'categoricalCrossentropy') {
    const data = new Float32Array(n * task.vocabulary);
    task.targets.forEach((id, i) => (data[i * task.vocabulary + id] = 1));
    return { data, shape: [n, task.vocabulary] };
  }
  if (task.loss === 'binaryCrossentropy') return { data: Float32Array.from(task.targets), shape: [n, 1] };
  return { data: task.targets, shape: task.sequences ? [n, task.timesteps] : [n] };
}

/** The stock model with `input`: an Embedding, or one-hot rows (behind a Masking layer under maskZero). */
function stockModel(task: TextTask, input: Input): tf.LayersModel {
  const shape = [task.timesteps, task.vocabulary];
  const layers: tf.layers.Layer[] = [];
  if (input === 'tokens')
    layers.push(
      tf.layers.embedding({
        inputDim: task.vocabulary,
        outputDim: task.embeddingDim,
        maskZero: task.maskZero,
        inputLength: task.timesteps,
      }),
    );
  else if (task.maskZero) layers.push(tf.layers.masking({ maskValue: 0, inputShape: shape }));
  task.units.forEach((units, l) =>
    layers.push(
      tf.layers.lstm({
        units,
        returnSequences: task.sequences || l < task.units.length - 1,
        ...(l === 0 && layers.length === 0 ? { inputShape: shape } : {}),
      }),
    ),
  );
  const dense = tf.layers.dense({ units: outputsOf(task), activation: task.head });
  layers.push(task.sequences ? tf.layers.timeDistributed({ layer: dense }) : dense);
  const model = tf.sequential({ layers });
  compile(model, task);
  return model;
}

function compile(model: tf.LayersModel, task: TextTask): void {
  const { type, learningRate } = task.optimizer;
  const optimizer = type === 'rmsprop' ? tf.train.rmsprop(learningRate) : tf.train.adam(learningRate);
  model.compile({ optimizer, loss: task.loss });
}

/** x and y as tfjs takes them (sparse class ids with a trailing 1). */
function tensors(task: TextTask, input: Input) {
  const [n, t] = [task.samples, task.timesteps];
  const x =
    input === 'tokens'
      ? tf.tensor2d(Float32Array.from(task.ids), [n, t])
      : tf.tensor3d(oneHot(task), [n, t, task.vocabulary]);
  const y = targets(task);
  const sparse = task.loss === 'sparseCategoricalCrossentropy';
  return { x, y: tf.tensor(Float32Array.from(y.data), sparse ? [...y.shape, 1] : y.shape) };
}

/** Something to time: `fit()` runs `steps` training steps; `warmUp()`, if given, runs instead of the first fit. */
interface Runner {
  readonly steps: number;
  fit(): Promise<unknown>;
  warmUp?(): Promise<unknown>;
}

/**
 * Milliseconds per step of each runner, timed in turn within each round (drift on a shared machine touches them
 * alike), the median of ROUNDS after a warm-up fit; a runner whose warm-up throws has its error instead.
 */
async function timeInTurn(runners: readonly Runner[]): Promise<Timing[]> {
  const failed = new Map<Runner, string>();
  for (const runner of runners)
    await (runner.warmUp ? runner.warmUp() : runner.fit()).catch((error: unknown) =>
      failed.set(runner, message(error)),
    );
  const ms = runners.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, runner] of runners.entries()) {
      if (failed.has(runner)) continue;
      const start = performance.now();
      await runner.fit();
      ms[i]!.push((performance.now() - start) / runner.steps);
    }
  return runners.map((runner, i) => {
    const why = failed.get(runner);
    return why !== undefined ? { failed: why } : { ms: ms[i]!.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]! };
  });
}

function modelRunner(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, task: TextTask): Runner {
  return {
    steps: batches,
    fit: () => model.fit(x, y, { epochs: 1, batchSize: task.batchSize, shuffle: false, verbose: 0 }),
  };
}

async function trainer(task: TextTask, input: Input): Promise<{ trainer: Trainer; runner: Runner }> {
  const config: TrainerConfig = {
    timesteps: task.timesteps,
    ...(input === 'tokens'
      ? { embedding: { inputDim: task.vocabulary, outputDim: task.embeddingDim, maskZero: task.maskZero } }
      : { features: task.vocabulary }),
    units: task.units,
    outputs: outputsOf(task),
    cell: 'lstm',
    returnSequences: task.sequences,
    outputActivation: task.head,
    loss: task.loss,
    optimizer: task.optimizer,
    seed: 1,
  };
  const t = await createTrainer(trainerDevice, config);
  t.setData(
    input === 'tokens'
      ? { data: task.ids, shape: [task.samples, task.timesteps] }
      : { data: oneHot(task), shape: [task.samples, task.timesteps, task.vocabulary] },
    targets(task),
  );
  return {
    trainer: t,
    runner: {
      steps: TRAINER_EPOCHS * batches,
      fit: () => t.fit({ epochs: TRAINER_EPOCHS, batchSize: task.batchSize, shuffle: false }),
    },
  };
}

const inputName = (task: TextTask, input: Input) =>
  input === 'oneHot'
    ? `one-hot (${task.vocabulary})${task.maskZero ? ', Masking' : ''}`
    : `Embedding(${task.vocabulary} → ${task.embeddingDim}${task.maskZero ? ', maskZero' : ''})`;

/** The trainer, fused and stock on webgpu in turn; then stock on cpu, and on wasm with each input it can take. */
async function measure(task: TextTask): Promise<Row[]> {
  const trainerInputs: Input[] = task.maskZero
    ? ['tokens']
    : [task.input, task.input === 'tokens' ? 'oneHot' : 'tokens'];
  const trainers = await Promise.all(trainerInputs.map((input) => trainer(task, input)));
  await tf.setBackend('webgpu');
  const stock = stockModel(task, task.input);
  const fused = fuseModel(stock);
  compile(fused, task);
  const { x, y } = tensors(task, task.input);
  const stockRunner = modelRunner(stock, x, y, task);
  let errors: string[] = [];
  const webgpu = await timeInTurn([
    ...trainers.map((t) => t.runner),
    modelRunner(fused, x, y, task),
    // Its warm-up catches the GPU errors stock tfjs logs (and computes garbage after).
    { ...stockRunner, warmUp: async () => (errors = [...new Set(await gpuErrors(() => stockRunner.fit()))]) },
  ]);
  for (const t of trainers) t.trainer.destroy();
  tf.dispose([x, y]);
  fused.dispose();
  stock.dispose();
  const rows: Row[] = [
    ...trainerInputs.map((input, i) => ({ label: 'standalone trainer, webgpu', input, timing: webgpu[i]! })),
    { label: 'fuseModel in model.fit, webgpu', input: task.input, timing: webgpu.at(-2)! },
    { label: 'stock in model.fit, webgpu', input: task.input, timing: webgpu.at(-1)!, errors },
  ];
  const onBackend = async (backend: 'cpu' | 'wasm', input: Input) => {
    await tf.setBackend(backend);
    const model = stockModel(task, input);
    const data = tensors(task, input);
    const [timing] = await timeInTurn([modelRunner(model, data.x, data.y, task)]);
    tf.dispose([data.x, data.y]);
    model.dispose();
    return { label: `stock in model.fit, ${backend}`, input, timing: timing! };
  };
  rows.push(await onBackend('cpu', task.input));
  // tfjs's wasm backend cannot train an Embedding (no UnsortedSegmentSum): one-hot input there, as tfjs's example.
  rows.push(await onBackend('wasm', task.input));
  if (task.input === 'tokens') rows.push(await onBackend('wasm', 'oneHot'));
  for (const row of rows) console.log(`  ${row.label}, ${inputName(task, row.input)}: ${show(row.timing)}`);
  return rows;
}

/** What PyTorch measured, per task, or why it did not run. */
type PyTorchRun = { ms: Map<TextTask, number>; torch: string; threads: number; blas: string[] } | { failed: string };

/** PyTorch on this machine's CPU (bench/text-pytorch.py), the char-RNNs at the same sizes. */
function pytorch(charTasks: TextTask[]): PyTorchRun {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const models = charTasks.map((task) => ({
    name: task.key,
    vocabulary: task.vocabulary,
    timesteps: task.timesteps,
    batch: task.batchSize,
    units: task.units,
    embedding: task.input === 'tokens' ? task.embeddingDim : 0,
    sequences: task.sequences,
    learningRate: task.optimizer.learningRate,
  }));
  const script = join(import.meta.dirname, 'text-pytorch.py');
  const run = spawnSync(python, [script, JSON.stringify({ models, batches, rounds: ROUNDS })], { encoding: 'utf8' });
  if (run.error) return { failed: `${python}: ${run.error.message}` };
  if (run.status !== 0) return { failed: run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}` };
  const out = JSON.parse(run.stdout) as {
    torch: string;
    threads: number;
    blas: string[];
    results: Record<string, { msPerStep: number }>;
  };
  const ms = new Map(charTasks.map((task) => [task, out.results[task.key]!.msPerStep]));
  return { ms, torch: out.torch, threads: out.threads, blas: out.blas };
}

function show(t: Timing): string {
  return 'ms' in t ? `${fixed(t.ms)} ms a step` : `fails (${t.failed})`;
}

// Other work on a shared machine slows every row: the load around the run says how much there was.
const load = { cores: availableParallelism(), atStart: loadavg()[0]!, atEnd: NaN };
const results: { task: TextTask; rows: Row[] }[] = [];
for (const task of tasks) {
  console.log(`\n${task.title}: ${task.samples} samples of ${task.timesteps} steps, batch ${task.batchSize}`);
  results.push({ task, rows: await measure(task) });
}
const charTasks = tasks.filter((task) => task.per === 'characters');
console.log('\nPyTorch on the CPU...');
const torch = pytorch(charTasks);
load.atEnd = loadavg()[0]!;
for (const result of results)
  if (result.task.per === 'characters')
    result.rows.push({
      label: TORCH_LABEL,
      input: result.task.input,
      timing: 'ms' in torch ? { ms: torch.ms.get(result.task)! } : { failed: torch.failed },
    });

// --- The report ---------------------------------------------------------------------------------------
const perSecond = (task: TextTask, t: Timing) =>
  'ms' in t ? (task.batchSize * (task.per === 'characters' ? task.timesteps : 1) * 1000) / t.ms : NaN;
const find = (rows: Row[], label: string, input?: Input) =>
  rows.find((r) => r.label === label && (input === undefined || r.input === input));
/** The wasm row that trains: one-hot input. */
const wasmOf = (rows: Row[]) => find(rows, 'stock in model.fit, wasm', 'oneHot')!;
const vs = (a: Row | undefined, b: Row) =>
  a && 'ms' in a.timing && 'ms' in b.timing ? ratio(a.timing.ms / b.timing.ms) : '—';

function table({ task, rows }: (typeof results)[number]) {
  const unit = task.per === 'characters' ? 'characters/s' : 'samples/s';
  const model =
    `${task.units.map((u) => `LSTM(${u})`).join(' → ')} → ${task.sequences ? 'timeDistributed(' : ''}` +
    `Dense(${outputsOf(task)}, ${task.head})${task.sequences ? ')' : ''}`;
  const torchRow = find(rows, TORCH_LABEL);
  return {
    caption:
      `${task.title}: ${inputName(task, task.input)} → ${model}, ${task.loss}, ${task.optimizer.type} ` +
      `(learning rate ${task.optimizer.learningRate}), ${task.timesteps} steps, batch ${task.batchSize}:`,
    header: [
      '',
      'input',
      'per step',
      unit,
      'vs stock wasm',
      'vs stock webgpu',
      ...(torchRow ? ['vs PyTorch CPU'] : []),
    ],
    rows: rows.map((r) => [
      r.label,
      inputName(task, r.input),
      'ms' in r.timing ? `${fixed(r.timing.ms)} ms` : `fails: ${r.timing.failed}`,
      'ms' in r.timing ? fixed(perSecond(task, r.timing), 0) : '—',
      vs(wasmOf(rows), r),
      vs(find(rows, 'stock in model.fit, webgpu'), r) + (r.errors?.length ? ' (stock broken: GPU errors)' : ''),
      ...(torchRow ? [vs(torchRow, r)] : []),
    ]),
  };
}

/** Per char task: the trainer (the model's own input) against stock wasm and PyTorch. */
const goals = results
  .filter(({ task }) => task.per === 'characters')
  .map(({ task, rows }) => {
    const t = find(rows, 'standalone trainer, webgpu', task.input)!.timing;
    const w = wasmOf(rows).timing;
    const p = find(rows, TORCH_LABEL)?.timing;
    return {
      task: task.key,
      vsWasm: 'ms' in t && 'ms' in w ? w.ms / t.ms : null,
      vsPyTorch: 'ms' in t && p && 'ms' in p ? p.ms / t.ms : null,
    };
  });
const goalText = goals
  .map(
    (g) =>
      `${g.task}: ${g.vsWasm === null ? '—' : ratio(g.vsWasm)} stock wasm, ` +
      `${g.vsPyTorch === null ? 'no PyTorch' : `${ratio(g.vsPyTorch)} PyTorch`}`,
  )
  .join('; ');
const met = goals.every((g) => (g.vsWasm ?? 0) >= GOAL_VS_WASM && (g.vsPyTorch ?? 0) > 1);
const broken = [...new Set(results.flatMap(({ rows }) => rows.flatMap((r) => r.errors?.slice(0, 1) ?? [])))];

publish({
  name: 'text',
  title: 'Training text models (`npm run bench:text`)',
  adapter,
  tables: results.map(table),
  notes: [
    `Per step: the median of ${ROUNDS} rounds after a warm-up round, each round an epoch of ${batchesText} ` +
      `(the trainer's ${TRAINER_EPOCHS} epochs in one fit); the trainers, fuseModel's model and stock on webgpu ` +
      'take turns within each round. Characters per second: batch × steps a step (each window of the ' +
      "text-generation example counts its 40 characters, though it predicts one); the classifier's samples per " +
      'second: batch a step.',
    `Text: ${TEXT}, ${tasks[0]!.vocabulary} characters. The figures measure speed, not what the models ` +
      'learn: the classifier trains on random ids and labels.',
    'Stock tfjs on wasm cannot train an Embedding (its wasm backend has no UnsortedSegmentSum): its rows with ' +
      'one-hot input (one row per token, behind a Masking layer where id 0 pads) are the wasm baseline of every ' +
      'ratio. The trainer with the other input is there to compare with it row for row.',
    ...(broken.length
      ? [
          'Stock tfjs 4.22 on webgpu cannot compile the Transpose of int and bool tensors that a mask needs ' +
            `(tfjs#8638): rows marked broken logged GPU errors in their first epoch (${broken.join('; ')}) ` +
            'and computed garbage, at full cost.',
        ]
      : []),
    'torch' in torch
      ? `PyTorch ${torch.torch} (bench/text-pytorch.py) on this machine's CPU, ${torch.threads} threads, ` +
        `BLAS ${torch.blas.join(', ') || 'none loaded'}, in the same run: nn.LSTM layers (sigmoid gates, ` +
        'where tfjs has hardSigmoid), cross-entropy, RMSprop; timed as the rows above, on random ids.'
      : `PyTorch did not run: ${torch.failed}.`,
    `Goals on a hardware GPU, the trainer on each char-RNN at least ${GOAL_VS_WASM}x stock tfjs on wasm and faster ` +
      `than PyTorch on the CPU: ${goalText}; ` +
      (summary.isFallbackAdapter
        ? 'not judged on this software adapter (figures only).'
        : `${met ? 'met' : 'not met'}.`),
    `tfjs ${tf.version.tfjs}, flags at their defaults. Load average (1 minute) ${fixed(load.atStart, 1)} at the ` +
      `start, ${fixed(load.atEnd, 1)} at the end, on ${load.cores} cores.`,
  ],
  json: {
    size,
    batches,
    rounds: ROUNDS,
    trainerEpochs: TRAINER_EPOCHS,
    load,
    text: TEXT,
    pytorch: 'torch' in torch ? { torch: torch.torch, threads: torch.threads, blas: torch.blas } : torch,
    goals: { vsWasm: GOAL_VS_WASM, judged: !summary.isFallbackAdapter, met, results: goals },
    tasks: results.map(({ task, rows }) => ({
      key: task.key,
      title: task.title,
      per: task.per,
      timesteps: task.timesteps,
      batchSize: task.batchSize,
      vocabulary: task.vocabulary,
      units: task.units,
      embeddingDim: task.embeddingDim,
      maskZero: task.maskZero,
      input: task.input,
      samples: task.samples,
      rows: rows.map((r) => ({ ...r, perSecond: perSecond(task, r.timing) || null })),
    })),
  },
});
process.exit(0);
