/**
 * Reads a PyTorch nn.RNN, nn.LSTM or nn.GRU state dict: weight_ih_l{k} [G·hidden, in], weight_hh_l{k}
 * [G·hidden, hidden], bias_ih_l{k} and bias_hh_l{k} [G·hidden] per layer k, with _reverse for the
 * backward direction of a bidirectional module. Gates i, f, g, o (LSTM) and r, z, n (GRU); PyTorch's
 * GRU applies the reset gate after the recurrent product (n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))),
 * Keras's resetAfter, so its two biases stay two rows. Its gates are sigmoids.
 */
import { checkOptions } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import type { CellId } from '../kernels/cells.js';
import { checkTensor, type Dimension } from './tensor.js';
import type { PyTorchSource, SourceDirection, SourceLayers } from './types.js';

const MODULES: Record<CellId, { readonly name: string; readonly order: readonly number[] }> = {
  simpleRNN: { name: 'nn.RNN', order: [0] },
  lstm: { name: 'nn.LSTM', order: [0, 1, 2, 3] },
  gru: { name: 'nn.GRU', order: [1, 0, 2] },
};

const FIELDS = ['from', 'cell', 'stateDict', 'prefix', 'nonlinearity'];
const KEY = /^(weight_ih|weight_hh|bias_ih|bias_hh)_l(0|[1-9]\d*)(_reverse)?$/;
const KEYS = 'weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (each with _reverse when bidirectional)';

export function readPyTorch(source: PyTorchSource): SourceLayers {
  checkOptions('source', source, FIELDS);
  const { cell, stateDict, prefix = '', nonlinearity } = source;
  if (!Object.hasOwn(MODULES, cell)) {
    const cells = Object.entries(MODULES).map(([id, { name }]) => `'${id}' (${name})`);
    throw new TypeError(`source.cell: expected one of ${cells.join(', ')}; got ${describeValue(cell)}`);
  }
  const { name: module, order } = MODULES[cell];
  const G = order.length;
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict))
    throw new TypeError(
      `source.stateDict: expected an object of tensors { shape, data }; got ${describeValue(stateDict)}`,
    );
  if (typeof prefix !== 'string') throw new TypeError(`source.prefix: expected a string; got ${describeValue(prefix)}`);
  if (nonlinearity !== undefined && (cell !== 'simpleRNN' || (nonlinearity !== 'tanh' && nonlinearity !== 'relu')))
    throw new TypeError(
      `source.nonlinearity: ${cell === 'simpleRNN' ? "expected 'tanh' or 'relu'" : `${module} has none`}; ` +
        `got ${describeValue(nonlinearity)}`,
    );

  const keys = Object.keys(stateDict).filter((key) => key.startsWith(prefix));
  if (keys.length === 0)
    throw new TypeError(
      `source.stateDict: no key${prefix ? ` starts with ${JSON.stringify(prefix)}` : ''}; expected ${KEYS}`,
    );
  let layerCount = 0;
  let bidirectional = false;
  let useBias = false;
  for (const key of keys) {
    const match = KEY.exec(key.slice(prefix.length));
    if (!match) {
      // nn.LSTM's proj_size adds weight_hr_l{k}, a projection Keras's LSTM does not have.
      const why = key.slice(prefix.length).startsWith('weight_hr_l') ? ' (proj_size is not supported)' : '';
      throw new TypeError(
        `source.stateDict[${JSON.stringify(key)}]: not a tensor of an ${module}${why}; expected ${KEYS}`,
      );
    }
    layerCount = Math.max(layerCount, Number(match[2]) + 1);
    bidirectional ||= match[3] !== undefined;
    useBias ||= match[1]!.startsWith('bias');
  }
  const what =
    `a ${layerCount}-layer ${bidirectional ? 'bidirectional ' : ''}${module}` +
    (useBias ? ' with biases' : ' without bias');
  const tensor = (key: string, expected: Dimension[], meaning: string) =>
    checkTensor(
      `source.stateDict[${JSON.stringify(prefix + key)}]`,
      stateDict[prefix + key],
      expected,
      `${what}: ${meaning}`,
    );

  // hidden_size from weight_hh_l0's columns, input_size from weight_ih_l0's.
  const hidden = tensor('weight_hh_l0', [null, null], `[${G}·hidden_size, hidden_size]`).shape[1]!;
  const inputSize = tensor('weight_ih_l0', [null, null], `[${G}·hidden_size, input_size]`).shape[1]!;
  const directions = bidirectional ? 2 : 1;
  const rows = G * hidden;
  const activation = nonlinearity ?? 'tanh';
  const layers = Array.from({ length: layerCount }, (_, k) =>
    Array.from({ length: directions }, (_, d): SourceDirection => {
      const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
      const features = k === 0 ? inputSize : directions * hidden;
      const inputs = k === 0 ? 'input_size' : `${directions === 2 ? '2·' : ''}hidden_size (layer ${k - 1}'s output)`;
      const bias = (name: string) => (useBias ? tensor(name + suffix, [rows], `[${G}·hidden_size]`).data : null);
      return {
        rows: {
          features,
          units: hidden,
          input: tensor(`weight_ih${suffix}`, [rows, features], `[${G}·hidden_size, ${inputs}]`).data,
          recurrent: tensor(`weight_hh${suffix}`, [rows, hidden], `[${G}·hidden_size, hidden_size]`).data,
          inputBias: bias('bias_ih'),
          recurrentBias: bias('bias_hh'),
        },
        goBackwards: d === 1,
        activation,
        recurrentActivation: 'sigmoid',
      };
    }),
  );
  return { units: hidden, order, biasForm: cell === 'gru' ? 'rows' : 'sum', layers };
}
