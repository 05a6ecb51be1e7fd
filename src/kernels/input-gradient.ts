/**
 * Input gradient, every timestep in one GEMM over batch·timesteps rows:
 *   dx[b, t(s), :] = dz[b, s, :] · kernelᵀ,   t(s) = goBackwards ? T-1-s : s.
 * Bindings: dz [B,T,U], kernel [F,U] → dx [B,T,F].
 * Dispatch: one invocation per 4 rows × 4 features; one dispatch.
 * Limits: row tiles fold into grid z past maxComputeWorkgroupsPerDimension.
 */
import code from '../wgsl/input-gradient.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { rowGemmGrid, type RNNShape } from './shape.js';
import type { DeviceTraits, Strategy } from './strategy.js';

export const inputGradient = defineKernel({
  name: 'input-gradient',
  code,
  params: ['rows', 'timesteps', 'features', 'units', 'goBackwards'],
  bindings: [
    { name: 'dz', access: 'read' },
    { name: 'kernel', access: 'read' },
    { name: 'dx', access: 'read_write' },
  ],
});

export type InputGradientRun = KernelRun<(typeof inputGradient.params)[number], (typeof inputGradient.bindings)[number]['name']>;

export function describeInputGradient(
  shape: RNNShape,
  options: { goBackwards: boolean },
  strategy: Strategy,
  traits: DeviceTraits,
): InputGradientRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  const rows = shape.batch * shape.timesteps;
  return {
    spec: inputGradient,
    constants: { WORKGROUP_X: wx, WORKGROUP_Y: wy },
    dispatches: [
      {
        workgroups: rowGemmGrid(rows, shape.features, strategy.gemmWorkgroup, traits.limits.maxComputeWorkgroupsPerDimension),
        params: {
          rows,
          timesteps: shape.timesteps,
          features: shape.features,
          units: shape.units,
          goBackwards: Number(options.goBackwards),
        },
      },
    ],
  };
}
