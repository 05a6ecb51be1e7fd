/**
 * One step of tf.train.adam, tf.train.sgd or tf.train.rmsprop over every parameter of the model at
 * once (see trainer-optimizer.wgsl for the update), the β powers read from progress and, with
 * clipping, each tensor's gradient scale from trainer-clip.
 * Dispatch: one invocation per parameter; one dispatch per step.
 * Limits: the workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-optimizer.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { ELEMENTWISE_WORKGROUP_SIZE, elementwiseGrid } from './trainer-batch.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

export type OptimizerType = 'adam' | 'sgd' | 'rmsprop';

/**
 * tf.train.adam's, tf.train.sgd's or tf.train.rmsprop's settings (each uses its own: SGD learningRate
 * only; Adam beta1, beta2, epsilon; RMSProp decay, momentum, epsilon, not centered), and Keras's
 * gradient clipping (at most one of clipNorm and globalClipNorm; null for none).
 */
export interface OptimizerConfig {
  readonly type: OptimizerType;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly decay: number;
  readonly momentum: number;
  readonly clipNorm: number | null;
  readonly globalClipNorm: number | null;
}

/** State floats per parameter: Adam m, v; RMSProp ms, mom; SGD none. */
export const optimizerStates = (optimizer: Pick<OptimizerConfig, 'type'>): number => (optimizer.type === 'sgd' ? 0 : 2);

/** 0 no clipping, 1 per tensor (clipNorm), 2 over all tensors (globalClipNorm). */
export const clipMode = (optimizer: Pick<OptimizerConfig, 'clipNorm' | 'globalClipNorm'>): number =>
  optimizer.clipNorm !== null ? 1 : optimizer.globalClipNorm !== null ? 2 : 0;

export const trainerOptimizer = defineKernel({
  name: 'trainer-optimizer',
  modules: [orderCode, progressCode, code],
  params: {
    parameters: 'u32',
    /** 0 Adam, 1 SGD, 2 RMSProp. */
    optimizer: 'u32',
    learningRate: 'f32',
    beta1: 'f32',
    oneMinusBeta1: 'f32',
    beta2: 'f32',
    oneMinusBeta2: 'f32',
    epsilon: 'f32',
    decay: 'f32',
    oneMinusDecay: 'f32',
    momentum: 'f32',
    /** clipMode: 0 none, 1 per tensor, 2 global. */
    clip: 'u32',
    /** Weight tensors in tensorStarts. */
    tensors: 'u32',
  },
  bindings: [
    { name: 'progress', access: 'read', type: 'Progress' },
    { name: 'gradients', access: 'read', holds: '[parameters]' },
    { name: 'weights', access: 'read_write', holds: '[parameters]' },
    {
      name: 'moments',
      access: 'read_write',
      holds: 'Adam m | v; RMSProp ms | mom: each [parameters]',
    },
    { name: 'tensorStarts', access: 'read', type: 'array<u32>', holds: "each tensor's first parameter, ascending" },
    { name: 'clipScales', access: 'read', holds: "[tensors] each tensor's gradient scale (trainer-clip)" },
  ],
});

export type TrainerOptimizerRun = KernelRun<
  keyof typeof trainerOptimizer.params,
  (typeof trainerOptimizer.bindings)[number]['name']
>;

const OPTIMIZER_IDS: Record<OptimizerType, number> = { adam: 0, sgd: 1, rmsprop: 2 };

export function describeTrainerOptimizer(
  parameters: number,
  tensors: number,
  optimizer: OptimizerConfig,
  strategy: Pick<Strategy, 'workgroupOrder'>,
  traits: DeviceTraits,
  workgroupSize = ELEMENTWISE_WORKGROUP_SIZE,
): TrainerOptimizerRun {
  return {
    spec: trainerOptimizer,
    constants: { WORKGROUP_SIZE: workgroupSize, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: [
      {
        workgroups: elementwiseGrid(parameters, workgroupSize, traits),
        params: {
          parameters,
          optimizer: OPTIMIZER_IDS[optimizer.type],
          // As tfjs, 1 − β and 1 − decay are formed in float64 before they meet float32.
          learningRate: optimizer.learningRate,
          beta1: optimizer.beta1,
          oneMinusBeta1: 1 - optimizer.beta1,
          beta2: optimizer.beta2,
          oneMinusBeta2: 1 - optimizer.beta2,
          epsilon: optimizer.epsilon,
          decay: optimizer.decay,
          oneMinusDecay: 1 - optimizer.decay,
          momentum: optimizer.momentum,
          clip: clipMode(optimizer),
          tensors,
        },
      },
    ],
  };
}
