/**
 * Where every weight of the trainer's model lives: the one description of its layout. Weights,
 * gradients and the optimizer's two states (Adam's moments, RMSProp's ms and mom) are four buffers of
 * this layout; kernels see a tensor through a binding at its offset (each tensor starts at a multiple
 * of minStorageBufferOffsetAlignment; the padding between tensors has gradient 0, so the optimizer and
 * the gradient norms can run over the whole buffer).
 *
 * Order and shapes are tfjs's getWeights() for the same sequential model: the Embedding's embeddings
 * [inputDim, outputDim] when there is one; for each recurrent layer, kernel [F, G·U], recurrent_kernel
 * [U, G·U], bias [G·U] (GRU resetAfter: [2, 3U]); then the Dense kernel [U_last, outputs] and bias
 * [outputs].
 */
import type { Cell, LayerConfig } from '../kernels/cell.js';
import { cellById } from '../kernels/cells.js';
import { alignedRanges } from '../kernels/shape.js';
import type { ResolvedTrainerConfig } from './config.js';

export interface WeightTensor {
  /** Names it in errors: 'layer 0 kernel', …, 'dense bias'. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in floats. */
  readonly offset: number;
  /** Values (floats). */
  readonly size: number;
}

export interface RecurrentWeights {
  readonly kernel: WeightTensor;
  readonly recurrentKernel: WeightTensor;
  readonly bias: WeightTensor;
}

export interface WeightLayout {
  readonly embedding: WeightTensor | null;
  readonly layers: readonly RecurrentWeights[];
  readonly denseKernel: WeightTensor;
  readonly denseBias: WeightTensor;
  /** Every tensor in tfjs's getWeights() order. */
  readonly tensors: readonly WeightTensor[];
  /** Floats of the whole buffer, padding included. */
  readonly floats: number;
}

/**
 * A layer of the trainer's model as the core's kernels take it: bias, no initial states, forwards;
 * masked at padding tokens under embedding.maskZero (Keras passes the mask up the whole stack).
 */
export const trainerLayerConfig = (
  c: Pick<ResolvedTrainerConfig, 'activation' | 'recurrentActivation' | 'resetAfter' | 'embedding'>,
  batch: number,
  timesteps: number,
  features: number,
  units: number,
): LayerConfig => ({
  batch,
  timesteps,
  features,
  units,
  activation: c.activation,
  recurrentActivation: c.recurrentActivation,
  resetAfter: c.resetAfter,
  goBackwards: false,
  useBias: true,
  useInitialState: false,
  masking: c.embedding?.maskZero ? 'steps' : null,
  inputDropout: false,
  recurrentDropout: false,
  useInitialCellState: false,
});

/** The core's cell the trainer's config asks for. */
export function trainerCell(c: ResolvedTrainerConfig): Cell {
  return cellById(c.cell).cell(trainerLayerConfig(c, 1, 1, 1, 1));
}

/** Input features of layer l: the data's, then the layer below's units. */
export const layerFeatures = (c: Pick<ResolvedTrainerConfig, 'features' | 'units'>, l: number): number =>
  l === 0 ? c.features : c.units[l - 1]!;

/** The tensors' shapes alone, in order (no GPU device needed). */
export function weightShapes(c: ResolvedTrainerConfig): { name: string; shape: number[] }[] {
  const cell = trainerCell(c);
  const G = cell.gates;
  const recurrent = c.units.flatMap((U, l) => [
    { name: `layer ${l} kernel`, shape: [layerFeatures(c, l), G * U] },
    { name: `layer ${l} recurrent_kernel`, shape: [U, G * U] },
    { name: `layer ${l} bias`, shape: cell.biasRows === 2 ? [2, G * U] : [G * U] },
  ]);
  const last = c.units[c.units.length - 1]!;
  const embedding = c.embedding
    ? [{ name: 'embedding embeddings', shape: [c.embedding.inputDim, c.embedding.outputDim] }]
    : [];
  return [
    ...embedding,
    ...recurrent,
    { name: 'dense kernel', shape: [last, c.outputs] },
    { name: 'dense bias', shape: [c.outputs] },
  ];
}

export function weightLayout(c: ResolvedTrainerConfig, alignmentBytes: number): WeightLayout {
  const shapes = weightShapes(c);
  const sizes = shapes.map(({ shape }) => shape.reduce((a, b) => a * b, 1));
  const { ranges, size } = alignedRanges(
    sizes.map((n) => n * 4),
    alignmentBytes,
  );
  const tensors = shapes.map(({ name, shape }, i) => ({ name, shape, offset: ranges[i]!.offset / 4, size: sizes[i]! }));
  const first = c.embedding ? 1 : 0;
  const layers = c.units.map((_, l) => ({
    kernel: tensors[first + 3 * l]!,
    recurrentKernel: tensors[first + 3 * l + 1]!,
    bias: tensors[first + 3 * l + 2]!,
  }));
  return {
    embedding: c.embedding ? tensors[0]! : null,
    layers,
    denseKernel: tensors[tensors.length - 2]!,
    denseBias: tensors[tensors.length - 1]!,
    tensors,
    floats: size / 4,
  };
}

/** A binding of `tensor` in `buffer`. */
export const bindingOf = (buffer: GPUBuffer, tensor: WeightTensor): GPUBufferBinding => ({
  buffer,
  offset: tensor.offset * 4,
  size: tensor.size * 4,
});
