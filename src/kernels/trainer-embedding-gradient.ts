/**
 * The Embedding's gradient (see trainer-embedding-gradient.wgsl for the math): the gradient of its
 * output summed per token into the table's gradient, in a fixed order.
 * Dispatch: one invocation per element of the table; one dispatch per step.
 * Limits: `positions` loop iterations per invocation (at most MAX_EMBEDDING_POSITIONS); the workgroups
 * fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import code from '../wgsl/trainer-embedding-gradient.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';
import { ELEMENTWISE_WORKGROUP_SIZE, elementwiseGrid } from './trainer-batch.js';

/** llvmpipe ends an invocation's loops after 65,535 iterations: a step's tokens (batch · timesteps) at most. */
export const MAX_EMBEDDING_POSITIONS = 65_535;

export const trainerEmbeddingGradient = defineKernel({
  name: 'trainer-embedding-gradient',
  modules: [orderCode, code],
  params: { positions: 'u32', dims: 'u32', vocabulary: 'u32' },
  bindings: [
    { name: 'ids', access: 'read', holds: '[positions] token ids, float32 integers' },
    { name: 'dx', access: 'read', holds: '[positions, dims]' },
    { name: 'dTable', access: 'read_write', holds: '[vocabulary, dims]' },
  ],
});

export type TrainerEmbeddingGradientRun = KernelRun<
  keyof typeof trainerEmbeddingGradient.params,
  (typeof trainerEmbeddingGradient.bindings)[number]['name']
>;

export function describeTrainerEmbeddingGradient(
  shape: { readonly positions: number; readonly dims: number; readonly vocabulary: number },
  strategy: Pick<Strategy, 'workgroupOrder'>,
  traits: DeviceTraits,
  workgroupSize = ELEMENTWISE_WORKGROUP_SIZE,
): TrainerEmbeddingGradientRun {
  const { positions, dims, vocabulary } = shape;
  return {
    spec: trainerEmbeddingGradient,
    constants: { WORKGROUP_SIZE: workgroupSize, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: [
      {
        workgroups: elementwiseGrid(vocabulary * dims, workgroupSize, traits),
        params: { positions, dims, vocabulary },
      },
    ],
  };
}
