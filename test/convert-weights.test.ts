/**
 * convertWeights against the frameworks: PyTorch's and ONNX's weights, converted, give in the float64
 * reference the outputs and final states PyTorch and ONNX computed (test/golden/convert-weights.json);
 * and bad sources are refused naming the tensor and what was expected. The GPU layers run the converted
 * weights in convert-weights.layer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { resolveLayerConfig } from '../src/kernels/config.js';
import { cellById } from '../src/kernels/cells.js';
import { convertWeights, type WeightSource } from '../src/index.js';
import { relativeError } from './helpers/data.js';
import {
  GOLDEN,
  goldenCase,
  reverseOnly,
  runStack,
  type GoldenCase,
  type RunDirection,
} from './helpers/golden-weights.js';

const TOLERANCE = 1e-5;

const reference: RunDirection = async (cell, { config, kernel, recurrentKernel, bias }, x, shape) => {
  const definition = cellById(cell);
  const layer = resolveLayerConfig(definition, { ...shape, ...config });
  return definition.reference.forward({ x, kernel, recurrentKernel, bias }, layer) as {
    h: Float64Array;
    c?: Float64Array;
  };
};

const cases: GoldenCase[] = [
  ...GOLDEN.cases,
  ...GOLDEN.cases.filter((c) => c.source.from === 'onnx' && c.source.direction === 'bidirectional').map(reverseOnly),
];

describe('convertWeights reproduces the framework', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, golden) => {
    const before = structuredClone(golden.source);
    const converted = convertWeights(golden.source);
    expect(golden.source, 'the source is left as it was').toEqual(before);
    const out = await runStack(converted, golden.x, reference);
    expect(relativeError(out.y, golden.y.data), 'y').toBeLessThan(TOLERANCE);
    expect(relativeError(out.h, golden.h.data), 'final h').toBeLessThan(TOLERANCE);
    if (golden.c) expect(relativeError(out.c!, golden.c.data), 'final c').toBeLessThan(TOLERANCE);
  });
});

describe('what convertWeights gives', () => {
  it("a 2-layer bidirectional nn.LSTM: Keras's shapes, sigmoid gates, getWeights() order", () => {
    const converted = convertWeights(goldenCase('nn.LSTM, 2 layers, bidirectional').source as WeightSource<'lstm'>);
    expect(converted).toMatchObject({ cell: 'lstm', units: 5, bidirectional: true });
    const config = { units: 5, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true };
    expect(converted.layers.map((directions) => directions.map((d) => d.config))).toEqual([
      [
        { ...config, features: 3, goBackwards: false },
        { ...config, features: 3, goBackwards: true },
      ],
      [
        { ...config, features: 10, goBackwards: false },
        { ...config, features: 10, goBackwards: true },
      ],
    ]);
    expect(converted.weights.map((w) => w.length)).toEqual([60, 100, 20, 60, 100, 20, 200, 100, 20, 200, 100, 20]);
    expect(converted.weights[3]).toBe(converted.layers[0]![1]!.kernel);
  });

  it("nn.GRU: resetAfter, bias [2, 3·units]; ONNX's GRU of linear_before_reset 0: one bias", () => {
    const pytorch = convertWeights(goldenCase('nn.GRU, 2 layers, bidirectional').source as WeightSource<'gru'>);
    expect(pytorch.layers[0]![0]!.config).toMatchObject({ resetAfter: true, recurrentActivation: 'sigmoid' });
    expect(pytorch.layers[0]![0]!.bias).toHaveLength(30);
    const onnx = convertWeights(
      goldenCase("ONNX GRU linear_before_reset 0 (ONNX's reference)").source as WeightSource<'gru'>,
    );
    expect(onnx.layers[0]![0]!.config).toMatchObject({ resetAfter: false, features: 3, units: 5 });
    expect(onnx.layers[0]![0]!.bias).toHaveLength(15);
  });

  it('nn.RNN relu and a module without bias: relu, useBias false, no bias in getWeights()', () => {
    expect(convertWeights(goldenCase('nn.RNN relu').source).layers[0]![0]!.config.activation).toBe('relu');
    const converted = convertWeights(goldenCase('nn.LSTM without bias').source);
    expect(converted.layers[0]![0]).toMatchObject({ bias: null, config: { useBias: false } });
    expect(converted.weights).toHaveLength(2);
  });

  it("a prefix picks one module's tensors out of a model's state dict", () => {
    const { source } = goldenCase('nn.GRU, 2 layers, bidirectional');
    const stateDict = Object.fromEntries(
      Object.entries((source as { stateDict: object }).stateDict).map(([key, value]) => [`encoder.rnn.${key}`, value]),
    );
    const model = { ...stateDict, 'decoder.weight': { shape: [1, 10], data: new Array(10).fill(0) } };
    const converted = convertWeights({ from: 'pytorch', cell: 'gru', stateDict: model, prefix: 'encoder.rnn.' });
    expect(converted.weights).toEqual(convertWeights(source).weights);
  });
});

const lstm = goldenCase('nn.LSTM, 2 layers, bidirectional').source as { stateDict: Record<string, object> };
const gru = goldenCase("ONNX GRU linear_before_reset 0 (ONNX's reference)").source as Record<string, unknown>;
const lstmOnnx = goldenCase('ONNX LSTM (exported nn.LSTM), bidirectional').source as Record<string, unknown>;
const without = (key: string) => Object.fromEntries(Object.entries(lstm.stateDict).filter(([k]) => k !== key));
const pytorchLSTM = (stateDict: object, extra: object = {}) => ({ from: 'pytorch', cell: 'lstm', stateDict, ...extra });
const zeros = (shape: number[]) => ({ shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0) });

const LSTM2 = 'a 2-layer bidirectional nn\\.LSTM with biases';
const badSources: [string, unknown, RegExp][] = [
  ['no source', null, /^source: expected \{ from: 'pytorch', cell, stateDict \} or \{ from: 'onnx'.*; got null$/],
  ['unknown framework', { from: 'keras' }, /^source\.from: expected 'pytorch' or 'onnx'; got "keras"$/],
  [
    'unknown cell',
    { from: 'pytorch', cell: 'rnn', stateDict: {} },
    /^source\.cell: expected one of 'simpleRNN' \(nn\.RNN\), 'lstm' \(nn\.LSTM\), 'gru' \(nn\.GRU\); got "rnn"$/,
  ],
  [
    'unknown option',
    pytorchLSTM(lstm.stateDict, { bidirectional: true }),
    /^source: unknown "bidirectional"; expected only from, cell, stateDict, prefix, nonlinearity$/,
  ],
  [
    'no state dict',
    pytorchLSTM([]),
    /^source\.stateDict: expected an object of tensors \{ shape, data \}; got an array$/,
  ],
  ['an empty state dict', pytorchLSTM({}), /^source\.stateDict: no key; expected weight_ih_l\{k\}, weight_hh_l\{k\}/],
  [
    'a prefix no key has',
    pytorchLSTM(lstm.stateDict, { prefix: 'rnn.' }),
    /^source\.stateDict: no key starts with "rnn\."; expected weight_ih_l\{k\}/,
  ],
  [
    'a missing tensor',
    pytorchLSTM(without('weight_hh_l1_reverse')),
    new RegExp(
      `^source\\.stateDict\\["weight_hh_l1_reverse"\\]: missing; expected \\[20, 5\\] ` +
        `\\(${LSTM2}: \\[4·hidden_size, hidden_size\\]\\)$`,
    ),
  ],
  [
    'one bias of two',
    pytorchLSTM(without('bias_hh_l0')),
    new RegExp(
      `^source\\.stateDict\\["bias_hh_l0"\\]: missing; expected \\[20\\] \\(${LSTM2}: \\[4·hidden_size\\]\\)$`,
    ),
  ],
  [
    "a layer's input of the wrong width",
    pytorchLSTM({ ...lstm.stateDict, weight_ih_l1: zeros([20, 5]) }),
    new RegExp(
      `^source\\.stateDict\\["weight_ih_l1"\\]\\.shape: expected \\[20, 10\\] ` +
        `\\(${LSTM2}: \\[4·hidden_size, 2·hidden_size \\(layer 0's output\\)\\]\\); got \\[20, 5\\]$`,
    ),
  ],
  [
    'gate rows of another cell',
    { from: 'pytorch', cell: 'gru', stateDict: lstm.stateDict },
    /^source\.stateDict\["weight_ih_l0"\]\.shape: expected \[15, 3\] .*\[3·hidden_size, input_size\]\); got \[20, 3\]/,
  ],
  [
    'a vector for a matrix',
    pytorchLSTM({ ...lstm.stateDict, weight_ih_l0: zeros([60]) }),
    /^source\.stateDict\["weight_ih_l0"\]\.shape: expected \[\?, \?\] .*; got \[60\]$/,
  ],
  [
    'too few values',
    pytorchLSTM({ ...lstm.stateDict, bias_ih_l0: { shape: [20], data: new Float32Array(19) } }),
    /^source\.stateDict\["bias_ih_l0"\]\.data: expected 20 values \(shape \[20\]\); got 19$/,
  ],
  [
    'values that are not numbers',
    pytorchLSTM({ ...lstm.stateDict, bias_ih_l0: { shape: [20], data: [0, '1', ...zeros([18]).data] } }),
    /^source\.stateDict\["bias_ih_l0"\]\.data\[1\]: expected a number; got "1"$/,
  ],
  [
    'data that is no array',
    pytorchLSTM({ ...lstm.stateDict, bias_ih_l0: { shape: [20], data: 'zeros' } }),
    /^source\.stateDict\["bias_ih_l0"\]\.data: expected a Float32Array, a Float64Array or a number\[\]; got "zeros"$/,
  ],
  [
    'no tensor',
    pytorchLSTM({ ...lstm.stateDict, bias_ih_l0: [0, 1] }),
    /^source\.stateDict\["bias_ih_l0"\]: expected a tensor \{ shape, data \}; got an array$/,
  ],
  [
    'a projection (proj_size)',
    pytorchLSTM({ ...lstm.stateDict, weight_hr_l0: zeros([3, 5]) }),
    /^source\.stateDict\["weight_hr_l0"\]: not a tensor of an nn\.LSTM \(proj_size is not supported\); expected/,
  ],
  [
    "another module's tensor",
    pytorchLSTM({ ...lstm.stateDict, 'fc.weight': zeros([1, 10]) }),
    /^source\.stateDict\["fc\.weight"\]: not a tensor of an nn\.LSTM; expected weight_ih_l\{k\}/,
  ],
  [
    'an LSTM with a nonlinearity',
    pytorchLSTM(lstm.stateDict, { nonlinearity: 'relu' }),
    /^source\.nonlinearity: nn\.LSTM has none; got "relu"$/,
  ],
  [
    'an nn.RNN nonlinearity PyTorch lacks',
    { ...goldenCase('nn.RNN relu').source, nonlinearity: 'sigmoid' },
    /^source\.nonlinearity: expected 'tanh' or 'relu'; got "sigmoid"$/,
  ],
  [
    'ONNX: W of another direction count',
    { ...gru, direction: 'bidirectional' },
    /^source\.R\.shape: expected \[2, \?, \?\] \(GRU, direction bidirectional: .*\); got \[1, 15, 5\]$/,
  ],
  [
    "ONNX: W's gate rows not R's",
    { ...gru, W: zeros([1, 12, 3]) },
    new RegExp(
      '^source\\.W\\.shape: expected \\[1, 15, \\?\\] ' +
        '\\(GRU, direction forward: \\[num_directions, 3·hidden_size, input_size\\]\\); got \\[1, 12, 3\\]$',
    ),
  ],
  [
    'ONNX: B of the wrong size',
    { ...gru, B: zeros([1, 15]) },
    /^source\.B\.shape: expected \[1, 30\] \(GRU, .*: \[num_directions, 2·3·hidden_size\]\); got \[1, 15\]$/,
  ],
  ['ONNX: a missing R', { ...gru, R: undefined }, /^source\.R: missing; expected \[1, \?, \?\]/],
  [
    "ONNX: hidden_size not R's",
    { ...gru, hiddenSize: 4 },
    /^source\.hiddenSize: 4, but source\.R holds hidden_size 5 \(its last dimension\)$/,
  ],
  [
    'ONNX: an unknown direction',
    { ...gru, direction: 'both' },
    /^source\.direction: expected one of forward, reverse, bidirectional; got "both"$/,
  ],
  [
    'ONNX: linear_before_reset on an LSTM',
    { ...lstmOnnx, linearBeforeReset: 1 },
    /^source\.linearBeforeReset: only GRU has it, not LSTM; got 1$/,
  ],
  [
    'ONNX: linear_before_reset 2',
    { ...gru, linearBeforeReset: 2 },
    /^source\.linearBeforeReset: expected 0 or 1; got 2$/,
  ],
  [
    'ONNX: an activation without a counterpart',
    { ...gru, activations: ['Sigmoid', 'LeakyRelu'] },
    /^source\.activations\[1\]: expected one of Sigmoid, Tanh, Relu, HardSigmoid, Softsign .*; got "LeakyRelu"$/,
  ],
  [
    'ONNX: activations for one direction of two',
    { ...lstmOnnx, activations: ['Sigmoid', 'Tanh', 'Tanh'] },
    /^source\.activations: expected 6 names \(LSTM: f, g, h per direction\); got 3$/,
  ],
  [
    "ONNX: an LSTM's g and h differing",
    { ...lstmOnnx, activations: ['Sigmoid', 'Tanh', 'Tanh', 'Sigmoid', 'Tanh', 'Relu'] },
    /^source\.activations: direction 1 has g Tanh and h Relu; Keras's LSTM has one activation for both$/,
  ],
  [
    'ONNX: a peephole input',
    { ...lstmOnnx, P: zeros([2, 15]) },
    /^source: unknown "P"; expected only from, cell, W, R, B,/,
  ],
];

describe('bad sources are refused, naming the tensor and what was expected', () => {
  it.each(badSources)('%s', (_, source, message) => {
    expect(() => convertWeights(source as WeightSource)).toThrow(message);
  });
});
