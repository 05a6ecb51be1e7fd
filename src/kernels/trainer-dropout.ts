/**
 * A trainer layer's side inputs for each training step (see trainer-dropout.wgsl for the math): its
 * input and recurrent dropout masks, drawn afresh every step from the fit's seeds and the step counter
 * (tfjs draws new masks every batch), and, under maskZero, the batch's token ids as its step mask.
 * Dispatch: one invocation per element of the pieces; one dispatch per layer and step.
 * Limits: the workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import hashCode from '../wgsl/pcg-hash.wgsl?raw';
import progressCode from '../wgsl/trainer-progress.wgsl?raw';
import code from '../wgsl/trainer-dropout.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { dropoutScale, dropoutThreshold } from './dropout-mask.js';
import type { SideLayout } from './side-inputs.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';
import { ELEMENTWISE_WORKGROUP_SIZE, elementwiseGrid } from './trainer-batch.js';

export const trainerDropout = defineKernel({
  name: 'trainer-dropout',
  modules: [orderCode, hashCode, progressCode, code],
  params: {
    batch: 'u32',
    timesteps: 'u32',
    features: 'u32',
    units: 'u32',
    hasMask: 'u32',
    maskAt: 'u32',
    hasInput: 'u32',
    inputAt: 'u32',
    inputSeed: 'u32',
    inputThreshold: 'u32',
    inputScale: 'f32',
    hasRecurrent: 'u32',
    recurrentAt: 'u32',
    recurrentSeed: 'u32',
    recurrentThreshold: 'u32',
    recurrentScale: 'f32',
  },
  bindings: [
    { name: 'progress', access: 'read', type: 'Progress' },
    { name: 'ids', access: 'read', holds: '[batch, timesteps] token ids (maskZero only)' },
    { name: 'side', access: 'read_write', holds: "the layer's side inputs (side-inputs.ts)" },
  ],
});

export type TrainerDropoutRun = KernelRun<
  keyof typeof trainerDropout.params,
  (typeof trainerDropout.bindings)[number]['name']
>;

/** A layer's dropout: its rates, and the fit's seeds of its two masks. */
export interface LayerDropout {
  readonly rate: number;
  readonly recurrentRate: number;
  readonly seeds: readonly [number, number];
}

export function describeTrainerDropout(
  shape: { readonly batch: number; readonly timesteps: number; readonly features: number; readonly units: number },
  side: SideLayout,
  dropout: LayerDropout,
  strategy: Pick<Strategy, 'workgroupOrder'>,
  traits: DeviceTraits,
  workgroupSize = ELEMENTWISE_WORKGROUP_SIZE,
): TrainerDropoutRun {
  const { batch: B, timesteps: T, features: F, units: U } = shape;
  const elements = (side.mask ? B * T : 0) + (side.inputDropout ? B * F : 0) + (side.recurrentDropout ? B * U : 0);
  return {
    spec: trainerDropout,
    constants: { WORKGROUP_SIZE: workgroupSize, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: [
      {
        workgroups: elementwiseGrid(elements, workgroupSize, traits),
        params: {
          batch: B,
          timesteps: T,
          features: F,
          units: U,
          hasMask: Number(side.mask !== null),
          maskAt: side.mask?.at ?? 0,
          hasInput: Number(side.inputDropout !== null),
          inputAt: side.inputDropout?.at ?? 0,
          inputSeed: dropout.seeds[0] >>> 0,
          inputThreshold: dropoutThreshold(dropout.rate),
          inputScale: dropoutScale(dropout.rate),
          hasRecurrent: Number(side.recurrentDropout !== null),
          recurrentAt: side.recurrentDropout?.at ?? 0,
          recurrentSeed: dropout.seeds[1] >>> 0,
          recurrentThreshold: dropoutThreshold(dropout.recurrentRate),
          recurrentScale: dropoutScale(dropout.recurrentRate),
        },
      },
    ],
  };
}
