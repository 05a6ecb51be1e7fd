// The tasks of bench:text and their data: two char-RNNs over a text and a sentiment-style classifier,
// at their reference settings ('bench') or small ('test'). The benchmark measures speed, not what
// the models learn: any text of the same vocabulary would do (the classifier's reviews are random ids).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type TaskSize = 'test' | 'bench';

export interface TextTask {
  readonly key: 'textGeneration' | 'charRnn' | 'sentiment';
  readonly title: string;
  /** What a sample's steps are: characters for the char-RNNs, tokens of a sample for the classifier. */
  readonly per: 'characters' | 'samples';
  readonly timesteps: number;
  readonly batchSize: number;
  /** Tokens: characters of the text, or words. */
  readonly vocabulary: number;
  readonly units: readonly number[];
  /** The model's input: token ids through an Embedding, or one-hot characters (tfjs's text-generation example). */
  readonly input: 'tokens' | 'oneHot';
  /** The Embedding's outputDim, in the rows that have one. */
  readonly embeddingDim: number;
  /** Id 0 is padding: the Embedding's maskZero, or a Masking layer over one-hot input. */
  readonly maskZero: boolean;
  /** A head on every step (char-rnn), else on the last step. */
  readonly sequences: boolean;
  readonly head: 'softmax' | 'sigmoid';
  /** categoricalCrossentropy: one-hot targets, as tfjs's example; sparse: class ids. */
  readonly loss: 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy';
  readonly optimizer: { readonly type: 'rmsprop' | 'adam'; readonly learningRate: number };
  /** Token ids [samples, timesteps] (0 is padding under maskZero). */
  readonly ids: Int32Array;
  /** Class ids: [samples] on the last step, [samples, timesteps] on every step. */
  readonly targets: Int32Array;
  readonly samples: number;
}

/** The char-RNN demo page's text (demo/texts/README.md): the first 199,994 characters of tiny shakespeare. */
export const TEXT = join('demo', 'texts', 'tiny-shakespeare.txt');

/** A seeded uniform [0, 1) source (an LCG: enough for data whose values do not matter). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The text as ids over its sorted characters. */
function encode(text: string): { ids: Int32Array; vocabulary: number } {
  const characters = [...new Set(text)].sort();
  const index = new Map(characters.map((c, i) => [c, i]));
  return { ids: Int32Array.from(text, (c) => index.get(c)!), vocabulary: characters.length };
}

const pick = (size: TaskSize, test: number, bench: number) => (size === 'test' ? test : bench);

/**
 * The tasks, each with `samples` windows: tfjs's text-generation example (windows of 40 characters
 * every 3, the next character after each), char-rnn (sequences of 50, each step's next character)
 * and a classifier on zero-padded reviews.
 */
export function textTasks(size: TaskSize, batches: number): TextTask[] {
  const windowed = { timesteps: pick(size, 6, 40), batchSize: pick(size, 4, 128), every: 3 };
  const chunked = { timesteps: pick(size, 8, 50), batchSize: pick(size, 4, 50) };
  const samplesOf = (batchSize: number) => batches * batchSize;
  const needed = Math.max(
    samplesOf(windowed.batchSize) * windowed.every + windowed.timesteps + 1,
    samplesOf(chunked.batchSize) * chunked.timesteps + 1,
  );
  const text = readFileSync(join(import.meta.dirname, '..', '..', TEXT), 'utf8');
  if (text.length < needed) throw new Error(`${TEXT}: ${text.length} characters; these batches need ${needed}`);
  const { ids: encoded, vocabulary } = encode(text);

  const textGeneration = (): TextTask => {
    const samples = samplesOf(windowed.batchSize);
    const ids = new Int32Array(samples * windowed.timesteps);
    const targets = new Int32Array(samples);
    for (let n = 0; n < samples; n++) {
      const start = n * windowed.every;
      ids.set(encoded.subarray(start, start + windowed.timesteps), n * windowed.timesteps);
      targets[n] = encoded[start + windowed.timesteps]!;
    }
    return {
      key: 'textGeneration',
      title: "tfjs's text-generation example",
      per: 'characters',
      timesteps: windowed.timesteps,
      batchSize: windowed.batchSize,
      vocabulary,
      units: [pick(size, 8, 128)],
      input: 'oneHot',
      embeddingDim: pick(size, 4, 64),
      maskZero: false,
      sequences: false,
      head: 'softmax',
      loss: 'categoricalCrossentropy',
      optimizer: { type: 'rmsprop', learningRate: 0.01 },
      ids,
      targets,
      samples,
    };
  };

  const charRnn = (): TextTask => {
    const samples = samplesOf(chunked.batchSize);
    const length = samples * chunked.timesteps;
    return {
      key: 'charRnn',
      title: "char-rnn's classic settings",
      per: 'characters',
      timesteps: chunked.timesteps,
      batchSize: chunked.batchSize,
      vocabulary,
      units: [pick(size, 8, 128), pick(size, 8, 128)],
      input: 'tokens',
      embeddingDim: pick(size, 4, 64),
      maskZero: false,
      sequences: true,
      head: 'softmax',
      loss: 'sparseCategoricalCrossentropy',
      optimizer: { type: 'rmsprop', learningRate: 0.002 },
      ids: encoded.slice(0, length),
      targets: encoded.slice(1, length + 1),
      samples,
    };
  };

  const sentiment = (): TextTask => {
    const [words, timesteps, batchSize] = [pick(size, 40, 1000), pick(size, 12, 100), pick(size, 4, 32)];
    const samples = samplesOf(batchSize);
    const random = lcg(5);
    const ids = new Int32Array(samples * timesteps);
    // Reviews of random lengths, left-padded with 0 as tfjs's sentiment example pads them.
    for (let n = 0; n < samples; n++) {
      const padding = Math.floor(random() * timesteps);
      for (let t = padding; t < timesteps; t++) ids[n * timesteps + t] = 1 + Math.floor(random() * (words - 1));
    }
    return {
      key: 'sentiment',
      title: 'sentiment-style classifier',
      per: 'samples',
      timesteps,
      batchSize,
      vocabulary: words,
      units: [pick(size, 6, 32)],
      input: 'tokens',
      embeddingDim: pick(size, 4, 32),
      maskZero: true,
      sequences: false,
      head: 'sigmoid',
      loss: 'binaryCrossentropy',
      optimizer: { type: 'adam', learningRate: 0.001 },
      ids,
      targets: Int32Array.from({ length: samples }, () => Number(random() < 0.5)),
      samples,
    };
  };

  return [textGeneration(), charRnn(), sentiment()];
}
