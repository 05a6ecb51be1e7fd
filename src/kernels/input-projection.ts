/**
 * Input projection, every timestep in one GEMM over batch·timesteps rows:
 *   z[b, s, :] = x[b, t(s), :] · kernel + bias,   t(s) = goBackwards ? T-1-s : s.
 * Bindings: x [B,T,F], kernel [F,U], bias [U] (placeholder when unused) → z [B,T,U].
 * Dispatch: one invocation per 4 rows × 4 units; one dispatch.
 * Limits: row tiles fold into grid z past maxComputeWorkgroupsPerDimension.
 */
import code from '../wgsl/input-projection.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { rowGemmGrid, type RNNShape } from './shape.js';
import type { DeviceTraits, Strategy } from './strategy.js';

export const inputProjection = defineKernel({
  name: 'input-projection',
  code,
  params: ['rows', 'timesteps', 'features', 'units', 'goBackwards', 'hasBias'],
  bindings: [
    { name: 'x', access: 'read' },
    { name: 'kernel', access: 'read' },
    { name: 'bias', access: 'read' },
    { name: 'z', access: 'read_write' },
  ],
});

export type InputProjectionRun = KernelRun<(typeof inputProjection.params)[number], (typeof inputProjection.bindings)[number]['name']>;

export function describeInputProjection(
  shape: RNNShape,
  options: { goBackwards: boolean; useBias: boolean },
  strategy: Strategy,
  traits: DeviceTraits,
): InputProjectionRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  const rows = shape.batch * shape.timesteps;
  return {
    spec: inputProjection,
    constants: { WORKGROUP_X: wx, WORKGROUP_Y: wy },
    dispatches: [
      {
        workgroups: rowGemmGrid(rows, shape.units, strategy.gemmWorkgroup, traits.limits.maxComputeWorkgroupsPerDimension),
        params: {
          rows,
          timesteps: shape.timesteps,
          features: shape.features,
          units: shape.units,
          goBackwards: Number(options.goBackwards),
          hasBias: Number(options.useBias),
        },
      },
    ],
  };
}
