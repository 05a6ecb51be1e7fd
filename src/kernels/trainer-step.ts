/**
 * One training step of SimpleRNN(units, activation) → Dense(outputs) under MSE, on one mini-batch:
 * forward through time, ŷ, the error e = ŷ − y, and backward through time to dz (see
 * trainer-step.wgsl for the math); or, in predict mode, forward to ŷ only.
 * Bindings: progress (step counter), order, x, y, weights → activations (h | z), dz, outputs (e or ŷ).
 * Dispatch: ceil(batchSize / 4) workgroups; train: one dispatch per parity (see trainer-update),
 * predict: one per batch of rows.
 * Limits: 8 storage buffers; ceil(batchSize / 4) ≤ maxComputeWorkgroupsPerDimension.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-step.wgsl?raw';
import { composeShader, defineKernel, type KernelRun } from '../gpu/kernel.js';
import { activationId, type Activation } from './activation.js';
import { tiles4 } from './shape.js';

export interface TrainerShape {
  readonly samples: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  readonly outputs: number;
  readonly batchSize: number;
}

export const trainerStep = defineKernel({
  name: 'trainer-step',
  code: composeShader(activationCode, progressCode, code),
  params: ['samples', 'timesteps', 'features', 'units', 'outputs', 'batchSize', 'stepsPerEpoch', 'parity', 'predict', 'rowOffset'],
  bindings: [
    { name: 'progress', access: 'read' },
    { name: 'order', access: 'read' },
    { name: 'x', access: 'read' },
    { name: 'y', access: 'read' },
    { name: 'weights', access: 'read' },
    { name: 'activations', access: 'read_write' },
    { name: 'dz', access: 'read_write' },
    { name: 'outputs', access: 'read_write' },
  ],
});

export type TrainerStepRun = KernelRun<(typeof trainerStep.params)[number], (typeof trainerStep.bindings)[number]['name']>;

const stepsPerEpoch = (shape: TrainerShape): number => Math.ceil(shape.samples / shape.batchSize);

/** The shape fields of both trainer kernels' Params. */
export function trainerShapeParams(shape: TrainerShape) {
  return {
    samples: shape.samples,
    timesteps: shape.timesteps,
    features: shape.features,
    units: shape.units,
    outputs: shape.outputs,
    batchSize: shape.batchSize,
    stepsPerEpoch: stepsPerEpoch(shape),
  };
}

/** Training: dispatch i is the step with parity i (steps alternate between the two). */
export function describeTrainerStep(shape: TrainerShape, activation: Activation, workgroupSize: number): TrainerStepRun {
  return {
    spec: trainerStep,
    constants: { WORKGROUP_SIZE: workgroupSize, ACTIVATION: activationId(activation) },
    dispatches: [0, 1].map((parity) => ({
      workgroups: [1, tiles4(shape.batchSize), 1] as const,
      params: { ...trainerShapeParams(shape), parity, predict: 0, rowOffset: 0 },
    })),
  };
}

/** Prediction: one dispatch per batch of rows, in order. */
export function describeTrainerPredict(shape: TrainerShape, activation: Activation, workgroupSize: number): TrainerStepRun {
  return {
    spec: trainerStep,
    constants: { WORKGROUP_SIZE: workgroupSize, ACTIVATION: activationId(activation) },
    dispatches: Array.from({ length: stepsPerEpoch(shape) }, (_, b) => ({
      workgroups: [1, tiles4(shape.batchSize), 1] as const,
      params: { ...trainerShapeParams(shape), parity: 0, predict: 1, rowOffset: b * shape.batchSize },
    })),
  };
}
