/**
 * The mini-batch of a training step, gathered on the GPU from the step counter and the epoch's sample
 * order (see trainer-batch.wgsl for the math): x and y rows into fixed-size batch buffers, rows past a
 * short last batch zeroed, and { rows, epoch } for trainer-loss; or, in predict mode, rows in order.
 * Dispatch: one invocation per element of batchX and batchY; training: one dispatch per step,
 * predict: one per batch of rows (rowOffset in its params).
 * Limits: the workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-batch.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { foldedGrid } from './shape.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

export const ELEMENTWISE_WORKGROUP_SIZE = 64;

export const trainerBatch = defineKernel({
  name: 'trainer-batch',
  modules: [orderCode, progressCode, code],
  params: {
    samples: 'u32',
    rowSize: 'u32',
    outputs: 'u32',
    batchSize: 'u32',
    stepsPerEpoch: 'u32',
    predict: 'u32',
    rowOffset: 'u32',
  },
  bindings: [
    { name: 'progress', access: 'read', type: 'Progress' },
    {
      name: 'order',
      access: 'read',
      type: 'array<u32>',
      holds: '[epochs in this submission, samples] (training only)',
    },
    { name: 'x', access: 'read', holds: '[samples, timesteps, features]' },
    { name: 'y', access: 'read', holds: '[samples, outputs] (training only)' },
    { name: 'batchX', access: 'read_write', holds: '[batchSize, timesteps, features]' },
    { name: 'batchY', access: 'read_write', holds: '[batchSize, outputs] (training only)' },
    { name: 'batch', access: 'read_write', type: 'Batch', holds: 'training only' },
  ],
});

export type TrainerBatchRun = KernelRun<
  keyof typeof trainerBatch.params,
  (typeof trainerBatch.bindings)[number]['name']
>;

/** Sizes of the data and of one batch. */
export interface BatchShape {
  readonly samples: number;
  readonly timesteps: number;
  readonly features: number;
  readonly outputs: number;
  readonly batchSize: number;
}

export const stepsPerEpoch = (shape: BatchShape): number => Math.ceil(shape.samples / shape.batchSize);

/** Grid of `elements` invocations in workgroups of `workgroupSize`, folded into y past the limit. */
export function elementwiseGrid(
  elements: number,
  workgroupSize: number,
  traits: DeviceTraits,
): [number, number, number] {
  return [...foldedGrid(Math.ceil(elements / workgroupSize), traits.limits.maxComputeWorkgroupsPerDimension), 1];
}

/** Training: one dispatch, the step read from progress. Predict: one dispatch per batch of rows. */
export function describeTrainerBatch(
  shape: BatchShape,
  mode: 'train' | 'predict',
  strategy: Pick<Strategy, 'workgroupOrder'>,
  traits: DeviceTraits,
  workgroupSize = ELEMENTWISE_WORKGROUP_SIZE,
): TrainerBatchRun {
  const rowSize = shape.timesteps * shape.features;
  const predict = mode === 'predict';
  const elements = shape.batchSize * (rowSize + (predict ? 0 : shape.outputs));
  const common = {
    samples: shape.samples,
    rowSize,
    outputs: shape.outputs,
    batchSize: shape.batchSize,
    stepsPerEpoch: stepsPerEpoch(shape),
    predict: Number(predict),
  };
  const offsets = predict ? Array.from({ length: stepsPerEpoch(shape) }, (_, b) => b * shape.batchSize) : [0];
  return {
    spec: trainerBatch,
    constants: { WORKGROUP_SIZE: workgroupSize, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: offsets.map((rowOffset) => ({
      workgroups: elementwiseGrid(elements, workgroupSize, traits),
      params: { ...common, rowOffset },
    })),
  };
}
