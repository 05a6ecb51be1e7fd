/**
 * The loss of a training step's batch, its gradient with respect to the head's outputs, and the
 * step's bookkeeping (see trainer-loss.wgsl for the math): MSE or MAE on a linear head, binary
 * cross-entropy on a sigmoid head's logits, categorical cross-entropy (one-hot or sparse targets) on a
 * softmax head's logits, as tfjs's (exact from the logits, where tfjs clips the probabilities to
 * [1e-7, 1 − 1e-7]: the two differ only for saturated outputs, docs/trainer.md); padding rows
 * masked, the batch's share of its epoch's loss (and, when asked, its correct predictions) added on
 * the GPU, the step counter and Adam's β powers advanced.
 * Dispatch: one workgroup; one dispatch per step.
 * Limits: lossIterations(...) loop iterations per invocation (at most MAX_LOSS_ITERATIONS).
 */
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-loss.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import type { OptimizerConfig } from './trainer-optimizer.js';

export type Loss = 'mse' | 'mae' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

/** The kernel's `loss` param. */
const LOSS_IDS: Record<Loss, number> = {
  mse: 0,
  mae: 1,
  binaryCrossentropy: 2,
  categoricalCrossentropy: 3,
  sparseCategoricalCrossentropy: 4,
};

/** Losses over a softmax: the kernel takes a whole row at a time (its log-sum-exp). */
export const isRowLoss = (loss: Loss): boolean =>
  loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy';

/** Values of y per sample: one class id for sparse targets, else one per output. */
export const targetWidth = (loss: Loss, outputs: number): number =>
  loss === 'sparseCategoricalCrossentropy' ? 1 : outputs;

const LOSS_WORKGROUP_SIZE = 64;
const PARTIALS = 64;
/** llvmpipe ends an invocation's loops after 65,535 iterations, all its loops together. */
export const MAX_LOSS_ITERATIONS = 65_535;

/** Loop iterations of the busiest invocation: an element each, or a row's passes over its outputs. */
export function lossIterations(batchSize: number, outputs: number, loss: Loss): number {
  return isRowLoss(loss)
    ? Math.ceil(batchSize / PARTIALS) * (3 * outputs + 1)
    : Math.ceil((batchSize * outputs) / PARTIALS);
}

export const trainerLoss = defineKernel({
  name: 'trainer-loss',
  modules: [progressCode, code],
  params: {
    /** Rows of the epoch: samples, times timesteps for a head on every step. */
    samples: 'u32',
    outputs: 'u32',
    /** Rows of a batch: batchSize, times timesteps for a head on every step. */
    batchSize: 'u32',
    /** The head's rows per sample: 1, or the timesteps for a head on every step. */
    stepsPerSample: 'u32',
    /** 0 mse, 1 mae, 2 binary cross-entropy, 3 categorical cross-entropy, 4 its sparse form (LOSS_IDS). */
    loss: 'u32',
    /** 1 to count correct predictions beside the loss (metrics: ['accuracy']), else 0. */
    accuracy: 'u32',
    /** 1 when the optimizer is Adam (its β powers advance), else 0. */
    adam: 'u32',
    beta1: 'f32',
    beta2: 'f32',
  },
  bindings: [
    { name: 'progress', access: 'read_write', type: 'Progress' },
    { name: 'batch', access: 'read', type: 'Batch' },
    {
      name: 'predictions',
      access: 'read',
      holds: 'ŷ, or the logits z of a sigmoid or softmax head [batchSize, outputs]',
    },
    { name: 'batchY', access: 'read', holds: 'y [batchSize, outputs], or class ids [batchSize] (sparse)' },
    { name: 'dPredictions', access: 'read_write', holds: 'dŷ, or dz [batchSize, outputs]' },
  ],
});

export type TrainerLossRun = KernelRun<keyof typeof trainerLoss.params, (typeof trainerLoss.bindings)[number]['name']>;

/** What the loss kernel computes: the loss, and whether it counts correct predictions. */
export interface LossHead {
  readonly loss: Loss;
  readonly accuracy: boolean;
}

/** The loss's rows: per epoch (`samples`) and per batch (`batchSize`), `stepsPerSample` to a sample. */
export interface LossShape {
  readonly samples: number;
  readonly outputs: number;
  readonly batchSize: number;
  readonly stepsPerSample: number;
}

export function describeTrainerLoss(
  shape: LossShape,
  head: LossHead,
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
          stepsPerSample: shape.stepsPerSample,
          loss: LOSS_IDS[head.loss],
          accuracy: Number(head.accuracy),
          adam: Number(optimizer.type === 'adam'),
          beta1: optimizer.beta1,
          beta2: optimizer.beta2,
        },
      },
    ],
  };
}
