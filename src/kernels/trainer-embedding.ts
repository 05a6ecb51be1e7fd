/**
 * An Embedding's lookup on the GPU (see trainer-embedding.wgsl for the math): token ids to the first
 * recurrent layer's input, rows of the embedding table or, for a model without an Embedding, one-hot
 * vectors. The trainer runs it after each step's batch gather and before every generated token.
 * Dispatch: one invocation per element of x; one dispatch.
 * Limits: the workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import code from '../wgsl/trainer-embedding.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';
import { ELEMENTWISE_WORKGROUP_SIZE, elementwiseGrid } from './trainer-batch.js';

export const trainerEmbedding = defineKernel({
  name: 'trainer-embedding',
  modules: [orderCode, code],
  params: { positions: 'u32', dims: 'u32', idOffset: 'u32' },
  bindings: [
    { name: 'ids', access: 'read', holds: 'token ids, float32 integers; positions from params.idOffset' },
    { name: 'table', access: 'read', holds: '[vocabulary, dims] (not read under ONE_HOT)' },
    { name: 'x', access: 'read_write', holds: '[positions, dims]' },
  ],
});

export type TrainerEmbeddingRun = KernelRun<
  keyof typeof trainerEmbedding.params,
  (typeof trainerEmbedding.bindings)[number]['name']
>;

export interface EmbeddingLookup {
  readonly positions: number;
  readonly dims: number;
  /** One-hot vectors of `dims` classes instead of the table's rows. */
  readonly oneHot: boolean;
}

/** One dispatch per id offset: the positions starting at each of `idOffsets` (the trainer's batch: [0]). */
export function describeTrainerEmbedding(
  lookup: EmbeddingLookup,
  idOffsets: readonly number[],
  strategy: Pick<Strategy, 'workgroupOrder'>,
  traits: DeviceTraits,
  workgroupSize = ELEMENTWISE_WORKGROUP_SIZE,
): TrainerEmbeddingRun {
  const { positions, dims, oneHot } = lookup;
  return {
    spec: trainerEmbedding,
    constants: {
      WORKGROUP_SIZE: workgroupSize,
      WORKGROUP_ORDER: workgroupOrderId(strategy),
      ONE_HOT: Number(oneHot),
    },
    dispatches: idOffsets.map((idOffset) => ({
      workgroups: elementwiseGrid(positions * dims, workgroupSize, traits),
      params: { positions, dims, idOffset },
    })),
  };
}
