/**
 * One step of tf.train.adam or tf.train.sgd over every parameter of the model at once (see
 * trainer-optimizer.wgsl for the update), the β powers read from progress.
 * Dispatch: one invocation per parameter; one dispatch per step.
 * Limits: the workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-optimizer.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { ELEMENTWISE_WORKGROUP_SIZE, elementwiseGrid } from './trainer-batch.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

/** tf.train.adam's or tf.train.sgd's settings (SGD uses learningRate only). */
export interface OptimizerConfig {
  readonly type: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export const trainerOptimizer = defineKernel({
  name: 'trainer-optimizer',
  modules: [orderCode, progressCode, code],
  params: {
    parameters: 'u32',
    /** 0 for Adam, 1 for SGD. */
    optimizer: 'u32',
    learningRate: 'f32',
    beta1: 'f32',
    oneMinusBeta1: 'f32',
    beta2: 'f32',
    oneMinusBeta2: 'f32',
    epsilon: 'f32',
  },
  bindings: [
    { name: 'progress', access: 'read', type: 'Progress' },
    { name: 'gradients', access: 'read', holds: '[parameters]' },
    { name: 'weights', access: 'read_write', holds: '[parameters]' },
    { name: 'moments', access: 'read_write', holds: 'm [parameters] | v [parameters] (Adam only)' },
  ],
});

export type TrainerOptimizerRun = KernelRun<
  keyof typeof trainerOptimizer.params,
  (typeof trainerOptimizer.bindings)[number]['name']
>;

export function describeTrainerOptimizer(
  parameters: number,
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
          optimizer: optimizer.type === 'adam' ? 0 : 1,
          // As tfjs, 1 − β is formed in float64 before it meets float32.
          learningRate: optimizer.learningRate,
          beta1: optimizer.beta1,
          oneMinusBeta1: 1 - optimizer.beta1,
          beta2: optimizer.beta2,
          oneMinusBeta2: 1 - optimizer.beta2,
          epsilon: optimizer.epsilon,
        },
      },
    ],
  };
}
