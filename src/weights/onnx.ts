/**
 * Reads an ONNX RNN, LSTM or GRU operator's weights: W [num_directions, G·hidden, in], R [num_directions,
 * G·hidden, hidden], B [num_directions, 2·G·hidden] (Wb, then Rb). Gates i, o, f, c (LSTM) and z, r, h
 * (GRU). A GRU with linear_before_reset = 1 is Keras's resetAfter (its biases stay two rows); with 0 (ONNX's
 * default) h = g(x·Whᵀ + (r ⊙ h_prev)·Rhᵀ + Rbh + Wbh): Rbh is outside the reset product, so both biases
 * add up, exactly, into the single bias of Keras's reset-before GRU.
 */
import { checkOptions } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import type { Activation } from '../kernels/activation.js';
import type { CellId } from '../kernels/cells.js';
import { checkTensor } from './tensor.js';
import type { OnnxSource, SourceDirection, SourceLayers } from './types.js';

const OPERATORS: Record<CellId, { readonly name: string; readonly order: readonly number[]; defaults: string[] }> = {
  simpleRNN: { name: 'RNN', order: [0], defaults: ['Tanh'] },
  lstm: { name: 'LSTM', order: [0, 2, 3, 1], defaults: ['Sigmoid', 'Tanh', 'Tanh'] },
  gru: { name: 'GRU', order: [0, 1, 2], defaults: ['Sigmoid', 'Tanh'] },
};

/** ONNX's activations with the same function here (HardSigmoid at its defaults, alpha 0.2, beta 0.5, as tfjs's). */
const ACTIVATIONS: Record<string, Activation> = {
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Relu: 'relu',
  HardSigmoid: 'hardSigmoid',
  Softsign: 'softsign',
};

const FIELDS = ['from', 'cell', 'W', 'R', 'B', 'direction', 'hiddenSize', 'linearBeforeReset', 'activations'];
const DIRECTIONS = ['forward', 'reverse', 'bidirectional'];

/** The activations attribute, per direction: [activation, recurrentActivation]. */
function readActivations(source: OnnxSource, directions: number): [Activation, Activation][] {
  const { name, defaults } = OPERATORS[source.cell];
  const given = source.activations;
  if (given !== undefined && (!Array.isArray(given) || given.length !== defaults.length * directions))
    throw new TypeError(
      `source.activations: expected ${defaults.length * directions} names (${name}: ` +
        `${['f', 'g', 'h'].slice(0, defaults.length).join(', ')} per direction); ` +
        `got ${Array.isArray(given) ? `${given.length}` : describeValue(given)}`,
    );
  const names = (given ?? Array.from({ length: directions }, () => defaults).flat()) as unknown[];
  const activations = names.map((value, i) => {
    const found = Object.entries(ACTIVATIONS).find(
      ([onnx]) => typeof value === 'string' && onnx.toLowerCase() === value.toLowerCase(),
    );
    if (!found)
      throw new TypeError(
        `source.activations[${i}]: expected one of ${Object.keys(ACTIVATIONS).join(', ')} ` +
          `(no activation_alpha or activation_beta); got ${describeValue(value)}`,
      );
    return found[1];
  });
  return Array.from({ length: directions }, (_, d) => {
    const [f, g, h] = activations.slice(d * defaults.length, (d + 1) * defaults.length);
    if (h !== undefined && h !== g)
      throw new TypeError(
        `source.activations: direction ${d} has g ${String(names[d * 3 + 1])} and h ${String(names[d * 3 + 2])}; ` +
          "Keras's LSTM has one activation for both",
      );
    return defaults.length === 1 ? [f!, 'sigmoid'] : [g!, f!];
  });
}

/** `length` values of `data` from `start`: a view of a typed array, a copy of an array. */
const part = (data: ArrayLike<number>, start: number, length: number): ArrayLike<number> =>
  ArrayBuffer.isView(data)
    ? (data as Float32Array).subarray(start, start + length)
    : (Array.prototype.slice.call(data, start, start + length) as number[]);

export function readOnnx(source: OnnxSource): SourceLayers {
  checkOptions('source', source, FIELDS);
  const { cell, direction = 'forward', hiddenSize, linearBeforeReset } = source;
  if (!Object.hasOwn(OPERATORS, cell)) {
    const cells = Object.entries(OPERATORS).map(([id, { name }]) => `'${id}' (${name})`);
    throw new TypeError(`source.cell: expected one of ${cells.join(', ')}; got ${describeValue(cell)}`);
  }
  const { name, order } = OPERATORS[cell];
  const G = order.length;
  if (!DIRECTIONS.includes(direction))
    throw new TypeError(`source.direction: expected one of ${DIRECTIONS.join(', ')}; got ${describeValue(direction)}`);
  if (linearBeforeReset !== undefined && (cell !== 'gru' || (linearBeforeReset !== 0 && linearBeforeReset !== 1)))
    throw new TypeError(
      `source.linearBeforeReset: ${cell === 'gru' ? 'expected 0 or 1' : `only GRU has it, not ${name}`}; ` +
        `got ${describeValue(linearBeforeReset)}`,
    );
  if (hiddenSize !== undefined && (typeof hiddenSize !== 'number' || !Number.isInteger(hiddenSize) || hiddenSize < 1))
    throw new RangeError(`source.hiddenSize: expected a positive integer; got ${describeValue(hiddenSize)}`);
  const directions = direction === 'bidirectional' ? 2 : 1;
  const what = `${name}, direction ${direction}`;

  // hidden_size from R's columns (and the attribute, when given), input_size from W's.
  const hidden = checkTensor(
    'source.R',
    source.R,
    [directions, null, null],
    `${what}: [num_directions, ${G}·hidden_size, hidden_size]`,
  ).shape[2]!;
  if (hiddenSize !== undefined && hiddenSize !== hidden)
    throw new RangeError(
      `source.hiddenSize: ${hiddenSize}, but source.R holds hidden_size ${hidden} (its last dimension)`,
    );
  const rows = G * hidden;
  const R = checkTensor(
    'source.R',
    source.R,
    [directions, rows, hidden],
    `${what}: [num_directions, ${G}·hidden_size, hidden_size]`,
  );
  const W = checkTensor(
    'source.W',
    source.W,
    [directions, rows, null],
    `${what}: [num_directions, ${G}·hidden_size, input_size]`,
  );
  const features = W.shape[2]!;
  const B =
    source.B === undefined
      ? null
      : checkTensor('source.B', source.B, [directions, 2 * rows], `${what}: [num_directions, 2·${G}·hidden_size]`);
  const activations = readActivations(source, directions);

  const layer = Array.from({ length: directions }, (_, d): SourceDirection => {
    const [activation, recurrentActivation] = activations[d]!;
    return {
      rows: {
        features,
        units: hidden,
        input: part(W.data, d * rows * features, rows * features),
        recurrent: part(R.data, d * rows * hidden, rows * hidden),
        inputBias: B && part(B.data, 2 * d * rows, rows),
        recurrentBias: B && part(B.data, (2 * d + 1) * rows, rows),
      },
      goBackwards: direction === 'reverse' || d === 1,
      activation,
      recurrentActivation,
    };
  });
  return { units: hidden, order, biasForm: linearBeforeReset === 1 ? 'rows' : 'sum', layers: [layer] };
}
