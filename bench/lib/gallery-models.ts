// Models built as TensorFlow.js's example gallery builds them (tfjs-examples: sentiment,
// lstm-text-generation, jena-weather, addition-rnn), each with data of its shape, at two sizes: the
// gallery's own ('bench') and a small one for the tests ('test'). Stock tfjs layers only: fuseModel
// makes the fused twins. Shared by bench/models.ts and test/gallery-models.test.ts.
import * as tf from '@tensorflow/tfjs';

export type GallerySize = 'test' | 'bench';

/** tfjs's dropoutFunc: given ones and the rate, the scaled mask (tfjs's RNN cells take it). */
export type DropoutFunc = (ones: tf.Tensor, rate: number) => tf.Tensor;

export interface GalleryModel {
  readonly name: string;
  /** What of the gallery's model it keeps, in a few words. */
  readonly shape: string;
  readonly model: tf.LayersModel;
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly batchSize: number;
  /** Compiles a model (this one, or its fused twin) as the gallery does. */
  readonly compile: (model: tf.LayersModel) => void;
}

export interface GalleryOptions {
  readonly size: GallerySize;
  /** Seeds the initializers and the data. */
  readonly seed: number;
  /** Given to every recurrent cell with dropout, so that a run can fix the masks. */
  readonly dropoutFunc?: DropoutFunc;
}

const pick = (size: GallerySize, test: number, bench: number) => (size === 'test' ? test : bench);

/** Seeded initializers for a layer with kernels, so that two builds start from the same weights. */
const seeded = (seed: number) => ({
  kernelInitializer: tf.initializers.glorotUniform({ seed }),
  recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
});

const oneHot = (indices: tf.Tensor, depth: number) => tf.tidy(() => tf.oneHot(tf.cast(indices, 'int32'), depth));

/** sentiment: Embedding(maskZero) → Bidirectional(LSTM) → Dense(sigmoid), zero-padded reviews. */
function sentiment({ size, seed }: GalleryOptions): GalleryModel {
  const [vocabulary, length, units, samples] = [
    pick(size, 40, 10000),
    pick(size, 12, 100),
    pick(size, 6, 32),
    pick(size, 8, 512),
  ];
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({
        inputDim: vocabulary,
        outputDim: pick(size, 4, 32),
        inputLength: length,
        maskZero: true,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
      }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units, ...seeded(seed + 1) }) as tf.RNN }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
  const compile = (m: tf.LayersModel) => m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  compile(model);
  // Reviews of random lengths, left-padded with 0 (the gallery's padding), one all padding.
  const x = tf.tidy(() => {
    const tokens = tf.randomUniform([samples, length], 1, vocabulary, 'int32', seed);
    const lengths = tf.randomUniform([samples, 1], 0, length + 1, 'int32', seed + 1);
    const position = tf.range(0, length, 1, 'int32').reshape([1, length]);
    const kept = tf.greaterEqual(position, tf.sub(tf.scalar(length, 'int32'), lengths));
    return tf.mul(tokens, tf.cast(kept, 'int32')).asType('float32');
  });
  const y = tf.randomUniform([samples, 1], 0, 2, 'int32', seed + 2).asType('float32');
  return {
    name: 'sentiment',
    shape: `Embedding(maskZero) → Bidirectional(LSTM(${units}))`,
    model,
    x,
    y,
    batchSize: pick(size, 4, 128),
    compile,
  };
}

/** lstm-text-generation: stacked LSTMs with dropout over one-hot characters → softmax over the next one. */
function textGeneration({ size, seed, dropoutFunc }: GalleryOptions): GalleryModel {
  const [characters, length, units, samples] = [
    pick(size, 7, 60),
    pick(size, 6, 40),
    pick(size, 5, 128),
    pick(size, 8, 512),
  ];
  const lstm = (i: number, last: boolean) =>
    tf.layers.lstm({
      units,
      returnSequences: !last,
      dropout: 0.2,
      ...(dropoutFunc ? { dropoutFunc } : {}),
      ...(i === 0 ? { inputShape: [length, characters] } : {}),
      ...seeded(seed + 2 * i),
    });
  const model = tf.sequential({
    layers: [
      lstm(0, false),
      lstm(1, true),
      tf.layers.dense({
        units: characters,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  const compile = (m: tf.LayersModel) => m.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
  compile(model);
  const x = oneHot(tf.randomUniform([samples, length], 0, characters, 'int32', seed), characters);
  const y = oneHot(tf.randomUniform([samples], 0, characters, 'int32', seed + 1), characters);
  return {
    name: 'text generation',
    shape: `LSTM(${units}) → LSTM(${units}), dropout 0.2`,
    model,
    x,
    y,
    batchSize: pick(size, 4, 128),
    compile,
  };
}

/** jena-weather: a GRU with dropout and recurrentDropout over weather features → the temperature. */
function weather({ size, seed, dropoutFunc }: GalleryOptions): GalleryModel {
  const [features, length, units, samples] = [
    pick(size, 3, 14),
    pick(size, 8, 240),
    pick(size, 4, 32),
    pick(size, 8, 256),
  ];
  const model = tf.sequential({
    layers: [
      tf.layers.gru({
        units,
        dropout: 0.2,
        recurrentDropout: 0.2,
        inputShape: [length, features],
        ...(dropoutFunc ? { dropoutFunc } : {}),
        ...seeded(seed),
      }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
  const compile = (m: tf.LayersModel) => m.compile({ optimizer: 'rmsprop', loss: 'meanAbsoluteError' });
  compile(model);
  const x = tf.randomNormal([samples, length, features], 0, 1, 'float32', seed);
  const y = tf.randomNormal([samples, 1], 0, 1, 'float32', seed + 1);
  return {
    name: 'weather',
    shape: `GRU(${units}), dropout and recurrentDropout 0.2`,
    model,
    x,
    y,
    batchSize: pick(size, 4, 128),
    compile,
  };
}

/** addition-rnn: an LSTM encoder, repeatVector, an LSTM decoder and timeDistributed(Dense) over digits. */
function addition({ size, seed }: GalleryOptions): GalleryModel {
  const [digits, units, samples] = [pick(size, 2, 3), pick(size, 6, 128), pick(size, 8, 1024)];
  const vocabulary = 12; // 0-9, '+' and ' '
  const [inputLength, outputLength] = [2 * digits + 1, digits + 1];
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units, inputShape: [inputLength, vocabulary], ...seeded(seed) }),
      tf.layers.repeatVector({ n: outputLength }),
      tf.layers.lstm({ units, returnSequences: true, ...seeded(seed + 2) }),
      tf.layers.timeDistributed({
        layer: tf.layers.dense({ units: vocabulary, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      }),
      tf.layers.activation({ activation: 'softmax' }),
    ],
  });
  const compile = (m: tf.LayersModel) => m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  compile(model);
  const x = oneHot(tf.randomUniform([samples, inputLength], 0, vocabulary, 'int32', seed), vocabulary);
  const y = oneHot(tf.randomUniform([samples, outputLength], 0, vocabulary, 'int32', seed + 1), vocabulary);
  return {
    name: 'addition',
    shape: `LSTM(${units}) → repeatVector → LSTM(${units}) → timeDistributed(Dense)`,
    model,
    x,
    y,
    batchSize: pick(size, 4, 128),
    compile,
  };
}

export const GALLERY: readonly ((options: GalleryOptions) => GalleryModel)[] = [
  sentiment,
  textGeneration,
  weather,
  addition,
];
