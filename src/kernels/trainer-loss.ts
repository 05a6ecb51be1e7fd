/**
 * The loss of a training step's batch, its gradient with respect to the predictions, and the step's
 * bookkeeping (see trainer-loss.wgsl for the math): MSE or MAE as tfjs's, padding rows masked, the
 * batch's share of its epoch's loss added on the GPU, the step counter and Adam's β powers advanced.
 * Dispatch: one workgroup; one dispatch per step.
 * Limits: batchSize · outputs / workgroupSize loop iterations per invocation (MAX_LOSS_ELEMENTS).
 */
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-loss.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import type { OptimizerConfig } from './trainer-optimizer.js';

export type Loss = 'mse' | 'mae';

const LOSS_WORKGROUP_SIZE = 64;
/** Elements one step's loss may have: llvmpipe ends an invocation's loops after 65,535 iterations. */
export const MAX_LOSS_ELEMENTS = LOSS_WORKGROUP_SIZE * 65_535;

export const trainerLoss = defineKernel({
  name: 'trainer-loss',
  modules: [progressCode, code],
  params: {
    samples: 'u32',
    outputs: 'u32',
    batchSize: 'u32',
    /** 0 for mean squared error, 1 for mean absolute error. */
    loss: 'u32',
    /** 1 when the optimizer is Adam (its β powers advance), else 0. */
    adam: 'u32',
    beta1: 'f32',
    beta2: 'f32',
  },
  bindings: [
    { name: 'progress', access: 'read_write', type: 'Progress' },
    { name: 'batch', access: 'read', type: 'Batch' },
    { name: 'predictions', access: 'read', holds: 'ŷ [batchSize, outputs]' },
    { name: 'batchY', access: 'read', holds: 'y [batchSize, outputs]' },
    { name: 'dPredictions', access: 'read_write', holds: 'dŷ [batchSize, outputs]' },
  ],
});

export type TrainerLossRun = KernelRun<keyof typeof trainerLoss.params, (typeof trainerLoss.bindings)[number]['name']>;

export function describeTrainerLoss(
  shape: { readonly samples: number; readonly outputs: number; readonly batchSize: number },
  loss: Loss,
  optimizer: OptimizerConfig,
  workgroupSize = LOSS_WORKGROUP_SIZE,
): TrainerLossRun {
  return {
    spec: trainerLoss,
    constants: { WORKGROUP_SIZE: workgroupSize },
    dispatches: [
      {
        workgroups: [1, 1, 1],
        params: {
          samples: shape.samples,
          outputs: shape.outputs,
          batchSize: shape.batchSize,
          loss: loss === 'mse' ? 0 : 1,
          adam: Number(optimizer.type === 'adam'),
          beta1: optimizer.beta1,
          beta2: optimizer.beta2,
        },
      },
    ],
  };
}
