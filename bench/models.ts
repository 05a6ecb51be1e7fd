// npm run bench:models: model.fit on models built as TensorFlow.js's example gallery builds them
// (bench/lib/gallery-models.ts, at the gallery's sizes), per epoch of a few batches: stock on webgpu and
// after fuseModel on webgpu, timed in turn each round, and stock on wasm (tfjs's fastest CPU backend).
// The guard: every fully fused model at least 3x faster per epoch than stock on webgpu.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fuseModel, FusedRNN, registerKernels } from 'webgpu-rnn/tfjs';
import { describeAdapter, useTfjsWebGPU } from 'webgpu-rnn/node';
import { GALLERY, type GalleryModel, type GallerySize } from './lib/gallery-models.js';
import { interleavedEpochMs, modelEpochMs } from './lib/fit-timing.js';
import { gpuErrors } from './lib/gpu-errors.js';
import { fixed, publish, ratio } from './lib/report.js';

const GOAL = 3;
const ROUNDS = 3;
const EPOCHS_PER_ROUND = 1;
// `--size test` for a quick run; `--batches N`: the batches an epoch runs (stock webgpu takes seconds
// per batch on a software adapter at the gallery's sizes).
const args = parseArgs({
  options: { size: { type: 'string', default: 'bench' }, batches: { type: 'string', default: '2' } },
});
const size = args.values.size as GallerySize;
if (size !== 'test' && size !== 'bench') throw new Error(`--size: expected test or bench; got ${size}`);
const batches = Number(args.values.batches);
if (!Number.isInteger(batches) || batches < 1)
  throw new Error(`--batches: expected a positive integer; got ${args.values.batches}`);

const adapter = describeAdapter(await useTfjsWebGPU());
registerKernels();
const batchesText = `${batches} batch${batches === 1 ? '' : 'es'}`;
console.log(`adapter: ${adapter}; tfjs ${tf.version.tfjs}; ${batchesText} per epoch`);

/** The model's data cut to `batches` batches. */
function cut(g: GalleryModel) {
  const n = Math.min(g.x.shape[0]!, batches * g.batchSize);
  return { x: g.x.slice(0, n), y: g.y.slice(0, n), samples: n };
}

/** Whether fuseModel fused every recurrent layer (Bidirectional's included). */
function fullyFused(model: tf.LayersModel): boolean {
  return model.layers.every((layer) => {
    const wrapped = layer as unknown as { forwardLayer?: tf.layers.Layer };
    const inner = wrapped.forwardLayer ?? layer;
    return !(inner instanceof tf.RNN) || inner instanceof FusedRNN;
  });
}

/** A timing, or why there is none. */
type Timing = { ms: number } | { failed: string };

interface Result {
  name: string;
  shape: string;
  batchSize: number;
  samples: number;
  fullyFused: boolean;
  fused: Timing;
  stock: Timing;
  wasm: Timing;
  /** GPU validation errors in stock's first webgpu epoch, distinct (its results are wrong when there are any). */
  stockErrors: string[];
}

const failure = (error: unknown): Timing => ({ failed: String((error as Error).message ?? error).split('\n')[0]! });

const results: Result[] = [];
for (const build of GALLERY) {
  await tf.setBackend('webgpu');
  const stock = build({ size, seed: 1 });
  const fused = fuseModel(stock.model);
  stock.compile(fused);
  fused.setWeights(stock.model.getWeights());
  const { x, y, samples } = cut(stock);
  console.log(`\n${stock.name}: ${stock.shape}; ${samples} samples, batch ${stock.batchSize}`);
  const fit = (model: tf.LayersModel) => model.fit(x, y, { epochs: 1, batchSize: stock.batchSize, verbose: 0 });
  const stockErrors = [...new Set(await gpuErrors(() => fit(stock.model)))];
  const [fusedMs, stockMs] = await interleavedEpochMs(
    [fused, stock.model].map((model) => ({ model, x, y, batchSize: stock.batchSize })),
    EPOCHS_PER_ROUND,
    ROUNDS,
  );
  const row = {
    name: stock.name,
    shape: stock.shape,
    batchSize: stock.batchSize,
    samples,
    fullyFused: fullyFused(fused),
  };
  fused.dispose();
  stock.model.dispose();
  tf.dispose([stock.x, stock.y, x, y]);
  await tf.setBackend('wasm');
  const onWasm = build({ size, seed: 1 });
  const wasm = cut(onWasm);
  let wasmTiming: Timing;
  try {
    wasmTiming = {
      ms: await modelEpochMs(onWasm.model, wasm.x, wasm.y, EPOCHS_PER_ROUND, ROUNDS, { batchSize: onWasm.batchSize }),
    };
  } catch (error) {
    wasmTiming = failure(error);
  }
  onWasm.model.dispose();
  tf.dispose([onWasm.x, onWasm.y, wasm.x, wasm.y]);
  const result: Result = { ...row, fused: { ms: fusedMs! }, stock: { ms: stockMs! }, wasm: wasmTiming, stockErrors };
  console.log(
    `  fused webgpu ${show(result.fused)}, stock webgpu ${show(result.stock)}, stock wasm ${show(result.wasm)}`,
  );
  for (const error of stockErrors) console.log(`  stock webgpu GPU error: ${error}`);
  results.push(result);
}

function show(t: Timing): string {
  return 'ms' in t ? `${fixed(t.ms)} ms` : `fails (${t.failed})`;
}
const vs = (a: Timing, b: Timing) => ('ms' in a && 'ms' in b ? ratio(a.ms / b.ms) : '—');
const msOf = (t: Timing) => ('ms' in t ? t.ms : NaN);

const met = results.filter((r) => r.fullyFused).every((r) => msOf(r.stock) / msOf(r.fused) >= GOAL);
publish({
  name: 'models',
  title: 'Gallery-style models in `model.fit` (`npm run bench:models`)',
  adapter,
  tables: [
    {
      caption:
        `Milliseconds per epoch of ${batchesText} ` + `(median of ${ROUNDS} rounds; fused and stock webgpu in turn).`,
      header: ['model', 'layers', 'batch', 'fused webgpu', 'stock webgpu', 'stock wasm', 'vs stock webgpu', 'vs wasm'],
      rows: results.map((r) => [
        r.name,
        `${r.shape}${r.fullyFused ? '' : ' (not fully fused)'}`,
        String(r.batchSize),
        show(r.fused),
        `${show(r.stock)}${r.stockErrors.length > 0 ? ' (broken: GPU errors)' : ''}`,
        show(r.wasm),
        vs(r.stock, r.fused),
        vs(r.wasm, r.fused),
      ]),
    },
  ],
  notes: [
    'Stock tfjs 4.22 on webgpu fails to compile its Transpose of int and bool tensors (tfjs#8638: ' +
      '`setOutputAtIndex` expects f32, gets i32), as a recurrent layer with a mask needs: it logs GPU errors and ' +
      'computes garbage. Rows marked broken logged them in their first epoch ' +
      `(${[...new Set(results.flatMap((r) => r.stockErrors.slice(0, 1)))].join('; ')}). ` +
      'Fused, the mask goes straight to the kernels. ' +
      "On wasm, an Embedding's gradient needs UnsortedSegmentSum, which tfjs's wasm backend lacks.",
    `Guard: every fully fused model at least ${GOAL}x faster per epoch than stock on webgpu, this adapter, ` +
      `same run: ${met ? 'met' : 'not met'}.`,
  ],
  json: { size, batches, rounds: ROUNDS, goal: GOAL, met, results },
});
if (!met) process.exitCode = 1;
