import { describe, expect, it } from 'vitest';
import type { TrainerConfig } from '../src/trainer/config.js';
import { createTrainer, type Trainer } from '../src/trainer/trainer.js';
import { getDevice, trackBuffers } from './helpers/webgpu.js';

const config = { timesteps: 3, features: 1, units: 4, outputs: 2, seed: 1 };
const x = [
  [[1], [2], [3]],
  [[2], [3], [4]],
];
const y = [
  [4, 5],
  [5, 6],
];
const shaped = (values: number[], shape: number[]) => ({ data: Float32Array.from(values), shape });

describe('the trainer refuses bad data the same way in both forms', async () => {
  const device = await getDevice();
  const trainer = await createTrainer(device, config);

  // [nested arrays, { data, shape }, what both messages name]
  const cases: [string, () => void, () => void, RegExp, RegExp][] = [
    [
      'NaN in x',
      () =>
        trainer.setData(
          [
            [[1], [2], [3]],
            [[2], [Number.NaN], [4]],
          ],
          y,
        ),
      () => trainer.setData(shaped([1, 2, 3, 2, Number.NaN, 4], [2, 3, 1]), y),
      /^x\[1\]\[1\]\[0\]: expected a finite number; got NaN$/,
      /^x\.data\[4\] \(x\[1\]\[1\]\[0\]\): expected a finite number; got NaN$/,
    ],
    [
      'Infinity in y',
      () =>
        trainer.setData(x, [
          [4, 5],
          [Infinity, 6],
        ]),
      () => trainer.setData(x, shaped([4, 5, Infinity, 6], [2, 2])),
      /^y\[1\]\[0\]: expected a finite number; got Infinity$/,
      /^y\.data\[2\] \(y\[1\]\[0\]\): expected a finite number; got Infinity$/,
    ],
    [
      '-Infinity in x',
      () =>
        trainer.setData(
          [
            [[1], [2], [-Infinity]],
            [[2], [3], [4]],
          ],
          y,
        ),
      () => trainer.setData(shaped([1, 2, -Infinity, 2, 3, 4], [2, 3, 1]), y),
      /^x\[0\]\[2\]\[0\]: expected a finite number; got -Infinity$/,
      /^x\.data\[2\] \(x\[0\]\[2\]\[0\]\): expected a finite number; got -Infinity$/,
    ],
  ];

  it.each(cases)('%s', (_, nested, flat, nestedMessage, flatMessage) => {
    expect(nested).toThrow(nestedMessage);
    expect(flat).toThrow(flatMessage);
  });

  it('refuses numbers past float32, non-numbers, and NaN in predict and evaluate too', async () => {
    expect(() =>
      trainer.setData(
        [
          [[1], [2], [1e39]],
          [[2], [3], [4]],
        ],
        y,
      ),
    ).toThrow(/^x\[0\]\[2\]\[0\]: expected a finite number; got 1e\+39, which is past float32's range/);
    expect(() =>
      trainer.setData(
        [
          [[1], ['2' as never], [3]],
          [[2], [3], [4]],
        ],
        y,
      ),
    ).toThrow(/^x\[0\]\[1\]\[0\]: expected a number; got "2"$/);
    expect(() =>
      trainer.setData(x, [
        [4, 5],
        [null as never, 6],
      ]),
    ).toThrow(/^y\[1\]\[0\]: expected a number; got null$/);
    await expect(trainer.predict([[[1], [Number.NaN], [3]]])).rejects.toThrow(
      /^x\[0\]\[1\]\[0\]: expected a finite number; got NaN$/,
    );
    await expect(trainer.evaluate(x, shaped([4, 5, Number.NaN, 6], [2, 2]))).rejects.toThrow(
      /^y\.data\[2\] \(y\[1\]\[0\]\): expected a finite number; got NaN$/,
    );
  });

  it('keeps the data it had when new data is refused', async () => {
    trainer.setData(x, y);
    const before = await trainer.evaluate(x, y);
    expect(() =>
      trainer.setData(x, [
        [4, 5],
        [Number.NaN, 6],
      ]),
    ).toThrow(/NaN/);
    await trainer.fit({ epochs: 1, shuffle: false });
    expect(Number.isFinite(before)).toBe(true);
    expect(Number.isFinite(await trainer.evaluate(x, y))).toBe(true);
  });
});

describe('the trainer names the argument on misuse, before any GPU work', async () => {
  const device = await getDevice();

  it('createTrainer: device and config', async () => {
    const { created } = await trackBuffers(device, async () => {
      await expect(createTrainer(null as never, config)).rejects.toThrow(
        /^createTrainer: device: expected a GPUDevice; got null$/,
      );
      await expect(createTrainer({} as never, config)).rejects.toThrow(
        /^createTrainer: device: expected a GPUDevice; got an object/,
      );
      await expect(createTrainer(device, null as never)).rejects.toThrow(
        /^config: expected an object with timesteps, features \(or embedding\), units, outputs; got null$/,
      );
      await expect(createTrainer(device, { ...config, seed: 'abc' as never })).rejects.toThrow(
        /^config\.seed: expected an integer; got "abc"$/,
      );
      await expect(createTrainer(device, { ...config, seed: 1.5 })).rejects.toThrow(
        /^config\.seed: expected an integer; got 1\.5$/,
      );
      await expect(createTrainer(device, { ...config, unit: 4 } as never)).rejects.toThrow(
        new RegExp(
          '^config: unknown "unit"; expected only timesteps, features, embedding, units, outputs, cell, activation, ' +
            'recurrentActivation, resetAfter, unitForgetBias, returnSequences, outputActivation, loss, metrics, ' +
            'optimizer, seed, strategy$',
        ),
      );
      await expect(createTrainer(device, { ...config, units: Number.NaN })).rejects.toThrow(
        /^config\.units: expected a positive integer; got NaN$/,
      );
      await expect(createTrainer(device, { ...config, optimizer: 0.01 as never })).rejects.toThrow(
        new RegExp(
          "^config\\.optimizer: expected 'adam', 'sgd', 'rmsprop' \\(or tfjs's 'Adam', 'SGD', 'RMSProp'\\), " +
            'an object \\(type, learningRate, beta1, beta2, epsilon, decay, momentum, centered, clipNorm, ' +
            'globalClipNorm\\) or nothing; got 0\\.01$',
        ),
      );
      await expect(createTrainer(device, { ...config, optimizer: { lr: 0.01 } as never })).rejects.toThrow(
        /^config\.optimizer: unknown "lr"/,
      );
      await expect(createTrainer(device, { ...config, cell: 'rnn' as never })).rejects.toThrow(
        /^config\.cell: expected one of 'simpleRNN', 'lstm', 'gru'; got "rnn"$/,
      );
      await expect(createTrainer(device, { ...config, units: [] })).rejects.toThrow(
        new RegExp(
          '^config\\.units: expected a positive integer or a non-empty list of them; got an empty array$' +
            '|^config\\.units: expected a positive integer or a non-empty list of them',
        ),
      );
      await expect(createTrainer(device, { ...config, units: [8, 0] })).rejects.toThrow(
        /^config\.units\[1\]: expected a positive integer; got 0$/,
      );
      await expect(createTrainer(device, { ...config, loss: 'huber' as never })).rejects.toThrow(
        new RegExp(
          "^config\\.loss: expected one of 'mse', 'meanSquaredError', 'mae', 'meanAbsoluteError', " +
            "'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'; got \"huber\"$",
        ),
      );
      // [optimizer, the message]: each names the field.
      const optimizers: [unknown, RegExp][] = [
        [
          'adagrad',
          /^config\.optimizer: expected 'adam', 'sgd', 'rmsprop' \(or tfjs's 'Adam', 'SGD', 'RMSProp'\); got "adagrad"/,
        ],
        [{ type: 'adamax' }, /^config\.optimizer\.type: expected 'adam', 'sgd', 'rmsprop' .*; got "adamax"$/],
        [{ type: 'rmsprop', decay: -0.1 }, /^config\.optimizer\.decay: expected a number in \[0, 1\); got -0\.1$/],
        [{ type: 'rmsprop', decay: 1 }, /^config\.optimizer\.decay: expected a number in \[0, 1\); got 1$/],
        [
          { type: 'rmsprop', momentum: Number.NaN },
          /^config\.optimizer\.momentum: expected a number in \[0, 1\); got NaN$/,
        ],
        [{ type: 'rmsprop', epsilon: 0 }, /^config\.optimizer\.epsilon: expected a number in \(0, Infinity\); got 0$/],
        [{ type: 'rmsprop', centered: 'no' }, /^config\.optimizer\.centered: expected a boolean; got "no"$/],
        [{ type: 'rmsprop', centered: true }, /^config\.optimizer\.centered: only false; tfjs's centered RMSProp/],
        [{ type: 'rmsprop', beta1: 0.5 }, /^config\.optimizer\.beta1: RMSProp has no beta1; it is an Adam setting$/],
        [{ decay: 0.5 }, /^config\.optimizer\.decay: Adam has no decay; it is an RMSProp setting$/],
        [
          { type: 'sgd', momentum: 0.5 },
          /^config\.optimizer\.momentum: SGD has no momentum; it is an RMSProp setting$/,
        ],
        [{ clipNorm: 0 }, /^config\.optimizer\.clipNorm: expected a number in \(0, Infinity\); got 0$/],
        [{ type: 'sgd', clipNorm: -1 }, /^config\.optimizer\.clipNorm: expected a number in \(0, Infinity\); got -1$/],
        [
          { globalClipNorm: Infinity },
          /^config\.optimizer\.globalClipNorm: expected a number in \(0, Infinity\); got Infinity$/,
        ],
        [
          { type: 'rmsprop', clipNorm: 1, globalClipNorm: 1 },
          /^config\.optimizer\.globalClipNorm: give clipNorm \(per tensor\) or globalClipNorm \(over all\), not both/,
        ],
      ];
      for (const [optimizer, message] of optimizers)
        await expect(
          createTrainer(device, { ...config, optimizer: optimizer as never }),
          JSON.stringify(optimizer),
        ).rejects.toThrow(message);
      await expect(createTrainer(device, { ...config, optimizer: { type: 'sgd', beta1: 0.5 } })).rejects.toThrow(
        /^config\.optimizer\.beta1: SGD has no beta1; it is an Adam setting$/,
      );
      await expect(createTrainer(device, { ...config, resetAfter: true })).rejects.toThrow(
        /^config\.resetAfter: only for cell 'gru'; this trainer's cell is 'simpleRNN'$/,
      );
      await expect(createTrainer(device, { ...config, cell: 'gru', unitForgetBias: true })).rejects.toThrow(
        /^config\.unitForgetBias: only for cell 'lstm'; this trainer's cell is 'gru'$/,
      );
      await expect(createTrainer(device, { ...config, recurrentActivation: 'sigmoid' })).rejects.toThrow(
        /^config\.recurrentActivation: SimpleRNN has no gates/,
      );
      await expect(
        createTrainer(device, { ...config, cell: 'lstm', recurrentActivation: 'softmax' as never }),
      ).rejects.toThrow(/^config\.recurrentActivation: 'softmax'/);
    });
    expect(created).toBe(0);
  });

  it('fit, setData, setWeights, predict', async () => {
    const trainer = await createTrainer(device, config);
    trainer.setData(x, y);
    const weights = await trainer.getWeights();
    const { created } = await trackBuffers(device, async () => {
      await expect(trainer.fit(null as never)).rejects.toThrow(
        new RegExp(
          '^fit: options: expected an object \\(epochs, batchSize, shuffle, seed, onEpochEnd, epochsPerSubmit\\) ' +
            'or nothing; got null$',
        ),
      );
      await expect(trainer.fit({ epoch: 5 } as never)).rejects.toThrow(
        /^fit: options: unknown "epoch"; expected only epochs/,
      );
      await expect(trainer.fit({ seed: 'abc' as never })).rejects.toThrow(
        /^fit: seed: expected an integer; got "abc"$/,
      );
      await expect(trainer.fit({ shuffle: 'no' as never })).rejects.toThrow(
        /^fit: shuffle: expected a boolean; got "no"$/,
      );
      await expect(trainer.fit({ onEpochEnd: 1 as never })).rejects.toThrow(/^fit: onEpochEnd: expected a function/);
      await expect(trainer.fit({ epochs: Number.NaN })).rejects.toThrow(
        /^fit: epochs: expected a positive integer; got NaN$/,
      );
      expect(() => trainer.setData(null as never, y)).toThrow(
        /^x: expected nested arrays \[samples, 3, 1\] or \{ data: Float32Array, shape \}; got null$/,
      );
      expect(() => trainer.setData(x, null as never)).toThrow(
        /^y: expected nested arrays \[2, 2\] or \{ data: Float32Array, shape \}; got null$/,
      );
      expect(() => trainer.setData(shaped([1, 2, 3, 4, 5, 6], null as never), y)).toThrow(
        /^x\.shape: expected \[samples, 3, 1\]; got null$/,
      );
      expect(() => trainer.setWeights(null as never)).toThrow(
        new RegExp(
          '^setWeights: expected 5 Float32Arrays ' +
            '\\(layer 0 kernel, layer 0 recurrent_kernel, layer 0 bias, dense kernel, dense bias\\); got null$',
        ),
      );
      await expect(trainer.predict(undefined as never)).rejects.toThrow(
        /^x: expected nested arrays \[samples, 3, 1\] .*; got undefined$/,
      );
    });
    expect(created).toBe(0);
    expect(await trainer.getWeights()).toEqual(weights);
    trainer.destroy();
  });
});

describe("the trainer's head: activation, loss, metrics and targets, refused by name before any GPU work", async () => {
  const device = await getDevice();
  const sigmoid = { ...config, outputActivation: 'sigmoid', loss: 'binaryCrossentropy' } as const;
  const sparse = { ...config, outputs: 3, outputActivation: 'softmax', loss: 'sparseCategoricalCrossentropy' } as const;

  const configs: [string, TrainerConfig, RegExp][] = [
    [
      'an unknown activation',
      { ...config, outputActivation: 'tanh' as never },
      /^config\.outputActivation: expected one of 'linear', 'sigmoid', 'softmax'; got "tanh"$/,
    ],
    [
      'categorical cross-entropy on a linear head',
      { ...config, loss: 'categoricalCrossentropy' },
      new RegExp(
        `^config\\.loss: "categoricalCrossentropy" goes with outputActivation 'softmax'; ` +
          `this head is 'linear', which trains under 'mse', 'mae'$`,
      ),
    ],
    [
      'MSE on a sigmoid head',
      { ...sigmoid, loss: 'meanSquaredError' },
      /^config\.loss: "meanSquaredError" goes with outputActivation 'linear'; this head is 'sigmoid', which trains/,
    ],
    [
      'binary cross-entropy on a softmax head',
      { ...sparse, loss: 'binaryCrossentropy' },
      /^config\.loss: "binaryCrossentropy" goes with outputActivation 'sigmoid'; this head is 'softmax', which trains/,
    ],
    [
      'a classification head without a loss',
      { ...config, outputActivation: 'softmax' },
      /^config\.loss: a 'softmax' head needs its loss named: 'categoricalCrossentropy', 'sparseCategorical/,
    ],
    [
      'a softmax over one output',
      { ...sparse, outputs: 1 },
      /^config\.outputActivation: 'softmax' over 1 output is always 1, nothing to learn/,
    ],
    [
      'an unknown metric',
      { ...sigmoid, metrics: ['accuracy', 'precision' as never] },
      /^config\.metrics\[1\]: expected 'accuracy' \(or 'acc'\), the one metric the trainer computes; got "precision"$/,
    ],
    ['metrics not in a list', { ...sigmoid, metrics: 'accuracy' as never }, /^config\.metrics: expected a list/],
    [
      'accuracy on a linear head',
      { ...config, metrics: ['acc'] },
      /^config\.metrics: 'accuracy' needs a classification head \(outputActivation 'sigmoid' or 'softmax'\)/,
    ],
  ];
  it.each(configs)('createTrainer refuses %s', async (_, bad, message) => {
    const { created } = await trackBuffers(device, () => expect(createTrainer(device, bad)).rejects.toThrow(message));
    expect(created).toBe(0);
  });

  const ids = (data: Int32Array | Float32Array) => ({ data, shape: [2] });
  const targets: [string, TrainerConfig, unknown, RegExp][] = [
    ['a class id past the outputs', sparse, [0, 3], /^y\[1\]: expected a class id, an integer in \[0, 3\); got 3$/],
    ['a negative class id', sparse, [-1, 0], /^y\[0\]: expected a class id, an integer in \[0, 3\); got -1$/],
    ['a fractional class id', sparse, [0, 1.5], /^y\[1\]: expected a class id, an integer in \[0, 3\); got 1\.5$/],
    [
      'an Int32Array id past the outputs',
      sparse,
      ids(Int32Array.of(2, 7)),
      /^y\.data\[1\] \(y\[1\]\): expected a class id, an integer in \[0, 3\); got 7$/,
    ],
    [
      'a NaN id in a Float32Array',
      sparse,
      ids(Float32Array.of(Number.NaN, 0)),
      /^y\.data\[0\] \(y\[0\]\): expected a class id, an integer in \[0, 3\); got NaN$/,
    ],
    ['too few ids', sparse, [0], /^y: expected 2 samples \(as x\); got 1$/],
    [
      'one-hot rows for sparse targets',
      sparse,
      [
        [0, 0, 1],
        [1, 0, 0],
      ],
      /^y: loss 'sparseCategoricalCrossentropy' takes class ids \[samples\], each an integer in \[0, 3\); got deeper/,
    ],
    [
      'class ids for binary cross-entropy',
      sigmoid,
      [0, 1],
      /^y: loss 'binaryCrossentropy' takes targets \[samples\]\[2\]; got \[samples\] \(class ids go with loss 'sparse/,
    ],
    [
      'rows of the wrong width for a softmax',
      { ...sparse, loss: 'categoricalCrossentropy' },
      [
        [0, 1],
        [1, 0],
      ],
      /^y\[0\]: expected 3 entries \(shape \[2, 3\]\); got 2$/,
    ],
  ];
  it.each(targets)('setData and evaluate refuse %s', async (_, c, bad, message) => {
    const trainer = await createTrainer(device, c);
    const { created } = await trackBuffers(device, async () => {
      expect(() => trainer.setData(x, bad as never)).toThrow(message);
      await expect(trainer.evaluate(x, bad as never)).rejects.toThrow(message);
    });
    expect(created).toBe(0);
    trainer.destroy();
  });

  // llvmpipe's 65,535 loop iterations an invocation, over 64 lanes: 4,194,240 elements, or under a
  // softmax rows of 3·outputs + 1 (2,048 rows of 1,000 outputs: 32 rows a lane, 96,032 iterations).
  it.each([
    ['mse', 'linear', 5000],
    ['sparseCategoricalCrossentropy', 'softmax', 2048],
  ] as const)("fit refuses a %s batch past what one step's loss loops over", async (loss, outputActivation, rows) => {
    const trainer = await createTrainer(device, { ...config, outputs: 1000, outputActivation, loss });
    const y = loss === 'mse' ? { data: new Float32Array(rows * 1000), shape: [rows, 1000] } : new Array(rows).fill(0);
    trainer.setData({ data: new Float32Array(rows * 3), shape: [rows, 3, 1] }, y);
    const { created } = await trackBuffers(device, () =>
      expect(trainer.fit({ batchSize: rows })).rejects.toThrow(
        new RegExp(`^fit: batchSize: ${rows} rows of 1000 outputs exceed what one step's loss sums \\(65535 loop`),
      ),
    );
    expect(created).toBe(0);
    trainer.destroy();
  });

  it('takes class ids as numbers, an Int32Array or a Float32Array, alike', async () => {
    const trainer = await createTrainer(device, sparse);
    const losses = [];
    for (const y of [[2, 0], ids(Int32Array.of(2, 0)), ids(Float32Array.of(2, 0))]) {
      trainer.setData(x, y);
      losses.push(await trainer.evaluate(x, y));
    }
    expect(new Set(losses).size).toBe(1);
    expect(losses[0]).toBeGreaterThan(0);
    trainer.destroy();
  });
});

describe('the trainer refuses bad token input, per-step targets and sampling, before any GPU work', async () => {
  const device = await getDevice();
  const text: TrainerConfig = {
    timesteps: 3,
    embedding: { inputDim: 5, outputDim: 2 },
    units: 4,
    outputs: 5,
    returnSequences: true,
    outputActivation: 'softmax',
    loss: 'sparseCategoricalCrossentropy',
    seed: 1,
  };
  const tokens = [
    [1, 2, 3],
    [4, 0, 1],
  ];
  const next = [
    [2, 3, 4],
    [0, 1, 2],
  ];

  const configs: [string, TrainerConfig, RegExp][] = [
    [
      'features beside an embedding of another width',
      { ...text, features: 3 },
      /^config\.features: with an embedding the first layer's features are embedding\.outputDim \(2\); leave/,
    ],
    [
      'an embedding without inputDim',
      { ...text, embedding: { outputDim: 2 } as never },
      /^config\.embedding\.inputDim:/,
    ],
    [
      'an unknown embedding option',
      { ...text, embedding: { inputDim: 5, outputDim: 2, maskzero: true } as never },
      /^config\.embedding: unknown "maskzero"; expected only inputDim, outputDim, maskZero$/,
    ],
    [
      'maskZero not a boolean',
      { ...text, embedding: { inputDim: 5, outputDim: 2, maskZero: 1 as never } },
      /^config\.embedding\.maskZero: expected a boolean; got 1$/,
    ],
    ['returnSequences not a boolean', { ...text, returnSequences: 'yes' as never }, /^config\.returnSequences:/],
  ];
  it.each(configs)('createTrainer refuses %s', async (_, bad, message) => {
    const { created } = await trackBuffers(device, () => expect(createTrainer(device, bad)).rejects.toThrow(message));
    expect(created).toBe(0);
  });

  const trainer = await createTrainer(device, text);
  const data: [string, unknown, unknown, RegExp][] = [
    [
      'a token id past inputDim',
      [[1, 2, 5], tokens[1]],
      next,
      /^x\[0\]\[2\]: expected a token id, an integer in \[0, 5\); got 5$/,
    ],
    [
      'a negative token id in an Int32Array',
      { data: Int32Array.of(1, 2, 3, -1, 0, 1), shape: [2, 3] },
      next,
      /^x\.data\[3\] \(x\[1\]\[0\]\): expected a token id, an integer in \[0, 5\); got -1$/,
    ],
    ['float features for an embedding', [[[1], [2], [3]]], [next[0]], /^x\[0\]\[0\]: expected a number; got an array/],
    [
      'a class id past the outputs at a step',
      tokens,
      [
        [2, 3, 4],
        [0, 5, 2],
      ],
      /^y\[1\]\[1\]: expected a class id, an integer in \[0, 5\); got 5$/,
    ],
    [
      'one class id per sample for a head on every step',
      tokens,
      [2, 0],
      /^y\[0\]: expected 3 entries \(shape \[2, 3\]\); got 2$/,
    ],
    [
      'one-hot rows for sparse per-step targets',
      tokens,
      [next.map((k) => [k, 0, 0, 0, 0]), next.map((k) => [k, 0, 0, 0, 0])],
      /^y: loss 'sparseCategoricalCrossentropy' takes class ids \[samples\]\[3\], each an integer in \[0, 5\); got deeper/,
    ],
  ];
  it.each(data)('setData and evaluate refuse %s', async (_, badX, badY, message) => {
    const { created } = await trackBuffers(device, async () => {
      expect(() => trainer.setData(badX as never, badY as never)).toThrow(message);
      await expect(trainer.evaluate(badX as never, badY as never)).rejects.toThrow(message);
    });
    expect(created).toBe(0);
  });

  const samples: [string, TrainerConfig, unknown, RegExp][] = [
    ['an empty prime', text, { prime: [], length: 3 }, /^sample: options\.prime: expected a non-empty list/],
    [
      'a prime token past the vocabulary',
      text,
      { prime: [1, 9], length: 3 },
      /^sample: options\.prime\[1\]: expected a token id, an integer in \[0, 5\); got 9$/,
    ],
    ['a length of 0', text, { prime: [1], length: 0 }, /^sample: options\.length: expected a positive integer/],
    [
      'a temperature of 0',
      text,
      { prime: [1], length: 2, temperature: 0 },
      /^sample: options\.temperature: expected a positive number; got 0$/,
    ],
    [
      'an unknown option',
      text,
      { prime: [1], length: 2, temp: 1 },
      /^sample: options: unknown "temp"; expected only prime, length, temperature, seed$/,
    ],
    [
      'a sigmoid head',
      { ...text, outputActivation: 'sigmoid', loss: 'binaryCrossentropy' },
      { prime: [1], length: 2 },
      /^trainer\.sample: needs a softmax head \(outputActivation 'softmax'\) to draw tokens from; this trainer's is 'sigmoid'$/,
    ],
    [
      'float features that are not one-hot tokens',
      { ...config, outputs: 3, outputActivation: 'softmax', loss: 'sparseCategoricalCrossentropy' },
      { prime: [0], length: 2 },
      /^trainer\.sample: needs token input, an embedding or one-hot x with features = outputs; this trainer has features 1/,
    ],
  ];
  it.each(samples)('sample refuses %s', async (_, c, options, message) => {
    const refusing = c === text ? trainer : await createTrainer(device, c);
    const { created } = await trackBuffers(device, () =>
      expect(refusing.sample(options as never)).rejects.toThrow(message),
    );
    expect(created).toBe(0);
    if (refusing !== trainer) refusing.destroy();
  });
});

describe('GPU errors in the work the trainer submits reject its promises', async () => {
  const device = await getDevice();

  /** A trainer, and its internal buffers by label (as a bug or a stray destroy() might break them). */
  async function trainerWithBuffers(): Promise<{ trainer: Trainer; buffers: Map<string, GPUBuffer> }> {
    const buffers = new Map<string, GPUBuffer>();
    const original = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor) => {
      const buffer = original(descriptor);
      buffers.set(descriptor.label ?? '', buffer);
      return buffer;
    };
    try {
      const trainer = await createTrainer(device, config);
      trainer.setData(x, y);
      return { trainer, buffers };
    } finally {
      device.createBuffer = original;
    }
  }

  it("fit, predict and getWeights reject with WebGPU's error instead of returning zeros", async () => {
    const { trainer, buffers } = await trainerWithBuffers();
    expect(await trainer.fit({ epochs: 2 })).toHaveLength(2);
    buffers.get('webgpu-rnn/trainer/weights')!.destroy();
    const refused = /WebGPU validation error: .*destroyed/i;
    await expect(trainer.fit({ epochs: 2 })).rejects.toThrow(new RegExp(`^trainer\\.fit: ${refused.source}`, 'i'));
    await expect(trainer.predict(x)).rejects.toThrow(new RegExp(`^trainer\\.predict: ${refused.source}`, 'i'));
    await expect(trainer.getWeights()).rejects.toThrow(new RegExp(`^trainer\\.getWeights: ${refused.source}`, 'i'));
    trainer.destroy();
  });
});
