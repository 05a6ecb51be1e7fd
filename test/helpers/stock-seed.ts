// The stock tfjs model the standalone trainer reproduces on the seed data (stacked stock recurrent
// layers and Dense(2), compiled as the trainer's config), trained from the trainer's initial weights:
// the rival of test/trainer.test.ts and of scripts/device-check.ts. No vitest here, so both can use it.
//
// tfjs's cpu backend is deterministic, so a stock model's results are a function of its config, its
// initial weights and the fit's settings (tfjs's version included): goldenStockRun keeps them in
// test/golden/stock-losses/, keyed by a hash of all of them, committed like the other golden data, so
// that a run trains a stock model only when something it depends on has changed (then the new file
// belongs in the commit). The seed model's test and the classification heads' keep theirs there too.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { splitSequence } from '../../src/model/split-sequence.js';
import type { TrainerCell } from '../../src/trainer/config.js';

export const [SEED_WINDOWS, SEED_TARGETS] = splitSequence([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 2);

const STOCK_LAYERS = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru } as const;

export interface StockSeedConfig {
  readonly cell: TrainerCell;
  readonly units: readonly number[];
  readonly activation: 'relu' | 'tanh';
  readonly optimizer: 'adam' | 'sgd' | 'rmsprop';
  /** Left out: the optimizer by name, with tfjs-layers' defaults for it. */
  readonly learningRate?: number;
  /** tf.train.rmsprop's momentum (decay and epsilon its defaults). */
  readonly rmsprop?: { readonly momentum: number };
  readonly loss: 'mse' | 'mae';
}

function stockOptimizer(c: StockSeedConfig): tf.Optimizer | string {
  if (c.learningRate === undefined) return c.optimizer;
  if (c.optimizer === 'adam') return tf.train.adam(c.learningRate);
  if (c.optimizer === 'sgd') return tf.train.sgd(c.learningRate);
  return tf.train.rmsprop(c.learningRate, 0.9, c.rmsprop?.momentum ?? 0);
}

const CACHE = join(import.meta.dirname, '..', 'golden', 'stock-losses');

/**
 * What `run` returns (JSON) for a stock model on the active backend: kept in CACHE under a hash of `key`,
 * `initialWeights`, tfjs's version and the backend, or run now and kept. `key` must hold every setting the
 * run depends on besides the weights.
 */
export async function goldenStockRun<T>(
  key: object,
  initialWeights: readonly Float32Array[],
  run: () => Promise<T>,
): Promise<T> {
  const hash = createHash('sha256').update(JSON.stringify({ ...key, tfjs: tf.version.tfjs, backend: tf.getBackend() }));
  for (const w of initialWeights) hash.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  const file = join(CACHE, `${hash.digest('hex')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const result = await run();
  mkdirSync(CACHE, { recursive: true });
  // Written aside and renamed, so that a reader in another process never sees half a file.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(result, null, 1)}\n`);
  renameSync(partial, file);
  return result;
}

/** Per-epoch losses of the stock model from `initialWeights` (tfjs's getWeights order), unshuffled. */
export function stockSeedLosses(
  c: StockSeedConfig,
  initialWeights: readonly Float32Array[],
  epochs: number,
  batchSize: number,
): Promise<number[]> {
  return goldenStockRun({ c, epochs, batchSize }, initialWeights, () =>
    trainStock(c, initialWeights, epochs, batchSize),
  );
}

async function trainStock(
  c: StockSeedConfig,
  initialWeights: readonly Float32Array[],
  epochs: number,
  batchSize: number,
): Promise<number[]> {
  const model = tf.sequential();
  c.units.forEach((units, l) =>
    model.add(
      STOCK_LAYERS[c.cell]({
        units,
        activation: c.activation,
        returnSequences: l < c.units.length - 1,
        ...(l === 0 ? { inputShape: [3, 1] } : {}),
      }),
    ),
  );
  model.add(tf.layers.dense({ units: 2 }));
  model.compile({
    optimizer: stockOptimizer(c),
    loss: c.loss === 'mse' ? 'meanSquaredError' : 'meanAbsoluteError',
  });
  const initial = initialWeights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape));
  model.setWeights(initial);
  tf.dispose(initial);
  const xs = tf.tensor3d(SEED_WINDOWS.flat(), [5, 3, 1]);
  const ys = tf.tensor2d(SEED_TARGETS.flat(), [5, 2]);
  try {
    return (await model.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0 })).history.loss as number[];
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}
