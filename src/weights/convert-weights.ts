/**
 * convertWeights: a PyTorch nn.RNN / nn.LSTM / nn.GRU state dict, or an ONNX RNN / LSTM / GRU operator's
 * weights, in Keras's layout with the layer configs that reproduce the framework's outputs, for
 * createSimpleRNN, createLSTM, createGRU, the trainer and tfjs's setWeights. Everything is checked
 * before anything is converted.
 */
import { describeValue } from '../describe-value.js';
import type { CellId } from '../kernels/cells.js';
import { toKerasLayout } from './keras-layout.js';
import { readOnnx } from './onnx.js';
import { readPyTorch } from './pytorch.js';
import type { ConvertedConfig, ConvertedDirection, ConvertedWeights, SourceDirection, WeightSource } from './types.js';

function configOf(cell: CellId, direction: SourceDirection, useBias: boolean, resetAfter: boolean): ConvertedConfig {
  const { features, units } = direction.rows;
  const common = { features, units, activation: direction.activation, goBackwards: direction.goBackwards, useBias };
  if (cell === 'simpleRNN') return common;
  const { recurrentActivation } = direction;
  return cell === 'lstm' ? { ...common, recurrentActivation } : { ...common, recurrentActivation, resetAfter };
}

/**
 * Converts a PyTorch state dict ({ from: 'pytorch', cell, stateDict }) or an ONNX operator's W, R and B
 * ({ from: 'onnx', cell, W, R, B }) to Keras's layout: per layer and direction, kernel, recurrentKernel,
 * bias and the config to create the layer with. Throws, naming the tensor and what was expected, on a
 * missing, unknown or misshapen one.
 */
export function convertWeights<C extends CellId>(source: WeightSource<C>): ConvertedWeights<C> {
  if (typeof source !== 'object' || source === null)
    throw new TypeError(
      `source: expected { from: 'pytorch', cell, stateDict } or { from: 'onnx', cell, W, R, B }; ` +
        `got ${describeValue(source)}`,
    );
  const from = (source as { from: unknown }).from;
  if (from !== 'pytorch' && from !== 'onnx')
    throw new TypeError(`source.from: expected 'pytorch' or 'onnx'; got ${describeValue(from)}`);
  const read = source.from === 'pytorch' ? readPyTorch(source) : readOnnx(source);
  const useBias = read.layers[0]![0]!.rows.inputBias !== null;
  const layers = read.layers.map((directions) =>
    directions.map((direction): ConvertedDirection<C> => {
      const { kernel, recurrentKernel, bias } = toKerasLayout(direction.rows, read.order, read.biasForm);
      const config = configOf(source.cell, direction, useBias, read.biasForm === 'rows') as ConvertedConfig<C>;
      return {
        config,
        kernel,
        recurrentKernel,
        bias,
        weights: bias ? [kernel, recurrentKernel, bias] : [kernel, recurrentKernel],
      };
    }),
  );
  return {
    cell: source.cell,
    units: read.units,
    bidirectional: layers[0]!.length === 2,
    layers,
    weights: layers.flat().flatMap((direction) => direction.weights),
  };
}
