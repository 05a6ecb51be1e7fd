/**
 * The weight gradients from the per-split partials of weight-gradients (see weight-gradient-splits.wgsl):
 *   out[i] = Σ_z partials[z, i], z ascending, for dKernel, dRecurrentKernel and dBias at once.
 * Bindings: kernelSplits, recurrentSplits, biasSplits [splits, size] → dKernel, dRecurrentKernel, dBias.
 * Dispatch: one invocation per output element, in workgroups of 64; one dispatch.
 * Limits: the elements' workgroups fold into grid y past maxComputeWorkgroupsPerDimension.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import code from '../wgsl/weight-gradient-splits.wgsl?raw';
import { composeShader, defineKernel, type KernelRun } from '../gpu/kernel.js';
import { foldedGrid } from './shape.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

const WORKGROUP_SIZE = 64;

export const weightGradientSplits = defineKernel({
  name: 'weight-gradient-splits',
  code: composeShader(orderCode, code),
  params: ['kernelSize', 'recurrentSize', 'biasSize', 'splits'],
  bindings: [
    { name: 'kernelSplits', access: 'read' },
    { name: 'recurrentSplits', access: 'read' },
    { name: 'biasSplits', access: 'read' },
    { name: 'dKernel', access: 'read_write' },
    { name: 'dRecurrentKernel', access: 'read_write' },
    { name: 'dBias', access: 'read_write' },
  ],
});

export type WeightGradientSplitsRun = KernelRun<
  (typeof weightGradientSplits.params)[number],
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
