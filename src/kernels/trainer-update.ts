/**
 * The weight gradients of a trainer-step batch and tf.train.adam's update of every weight, plus the
 * epoch loss and the step counter (see trainer-update.wgsl for the math and the two-slot counter).
 * Bindings: progress (read-write), order, x, activations, dz, errors → weights, moments (m | v).
 * Dispatch: one invocation per 4 × 4 tile of the five weights; one dispatch per parity.
 * Limits: 8 storage buffers; tiles / workgroupSize ≤ maxComputeWorkgroupsPerDimension.
 */
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-update.wgsl?raw';
import { composeShader, defineKernel, float32Bits, type KernelRun } from '../gpu/kernel.js';
import { tiles4 } from './shape.js';
import { trainerShapeParams, type TrainerShape } from './trainer-step.js';

export interface AdamConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export const trainerUpdate = defineKernel({
  name: 'trainer-update',
  code: composeShader(progressCode, code),
  params: [
    'samples', 'timesteps', 'features', 'units', 'outputs', 'batchSize', 'stepsPerEpoch', 'parity',
    'learningRate', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'epsilon',
  ],
  bindings: [
    { name: 'progress', access: 'read_write' },
    { name: 'order', access: 'read' },
    { name: 'x', access: 'read' },
    { name: 'activations', access: 'read' },
    { name: 'dz', access: 'read' },
    { name: 'errors', access: 'read' },
    { name: 'weights', access: 'read_write' },
    { name: 'moments', access: 'read_write' },
  ],
});

export type TrainerUpdateRun = KernelRun<(typeof trainerUpdate.params)[number], (typeof trainerUpdate.bindings)[number]['name']>;

/** Tiles of 4 × 4 over kernel, recurrent kernel, bias, dense kernel and dense bias. */
export function updateTiles(shape: Pick<TrainerShape, 'features' | 'units' | 'outputs'>): number {
  const unitTiles = tiles4(shape.units);
  const outputTiles = tiles4(shape.outputs);
  return (tiles4(shape.features) + unitTiles + 1) * unitTiles + (unitTiles + 1) * outputTiles;
}

export function describeTrainerUpdate(shape: TrainerShape, adam: AdamConfig, workgroupSize: number): TrainerUpdateRun {
  // As tf.train.adam, 1 − β is formed in float64 before it meets float32.
  const hyper = {
    learningRate: float32Bits(adam.learningRate),
    beta1: float32Bits(adam.beta1),
    oneMinusBeta1: float32Bits(1 - adam.beta1),
    beta2: float32Bits(adam.beta2),
    oneMinusBeta2: float32Bits(1 - adam.beta2),
    epsilon: float32Bits(adam.epsilon),
  };
  return {
    spec: trainerUpdate,
    constants: { WORKGROUP_SIZE: workgroupSize },
    dispatches: [0, 1].map((parity) => ({
      workgroups: [Math.ceil(updateTiles(shape) / workgroupSize), 1, 1] as const,
      params: { ...trainerShapeParams(shape), parity, ...hyper },
    })),
  };
}
