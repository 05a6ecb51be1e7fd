/**
 * The weight gradients from the per-split partials of weight-gradients (see weight-gradient-splits.wgsl):
 *   out[i] = Σ_z partials[z, i], z ascending, for dKernel, dRecurrentKernel and dBias at once.
 * Dispatch: one invocation per output element, in workgroups of 64; one dispatch.
 * Limits: the elements' workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import code from '../wgsl/weight-gradient-splits.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { foldedGrid } from './shape.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

const WORKGROUP_SIZE = 64;

export const weightGradientSplits = defineKernel({
  name: 'weight-gradient-splits',
  modules: [orderCode, code],
  params: { kernelSize: 'u32', recurrentSize: 'u32', biasSize: 'u32', splits: 'u32' },
  bindings: [
    { name: 'kernelSplits', access: 'read', holds: '[splits, kernelSize]' },
    { name: 'recurrentSplits', access: 'read', holds: '[splits, recurrentSize]' },
    { name: 'biasSplits', access: 'read', holds: '[splits, biasSize] (read only when biasSize > 0)' },
    { name: 'dKernel', access: 'read_write', holds: '[kernelSize]' },
    { name: 'dRecurrentKernel', access: 'read_write', holds: '[recurrentSize]' },
    { name: 'dBias', access: 'read_write', holds: '[biasSize]' },
  ],
});

export type WeightGradientSplitsRun = KernelRun<
  keyof typeof weightGradientSplits.params,
  (typeof weightGradientSplits.bindings)[number]['name']
>;

/** Elements of each output (floats); biasSize 0 without a bias. */
export interface GradientSizes {
  readonly kernelSize: number;
  readonly recurrentSize: number;
  readonly biasSize: number;
}

export function describeWeightGradientSplits(
  sizes: GradientSizes,
  splits: number,
  strategy: Strategy,
  traits: DeviceTraits,
): WeightGradientSplitsRun {
  const workgroups = Math.ceil((sizes.kernelSize + sizes.recurrentSize + sizes.biasSize) / WORKGROUP_SIZE);
  const [x, y] = foldedGrid(workgroups, traits.limits.maxComputeWorkgroupsPerDimension);
  return {
    spec: weightGradientSplits,
    constants: { WORKGROUP_SIZE, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: [{ workgroups: [x, y, 1], params: { ...sizes, splits } }],
  };
}
