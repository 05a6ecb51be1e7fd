/**
 * Input projection of a recurrent layer, every timestep and gate in one GEMM over batch·timesteps rows:
 *   gates[b, s, :] = x[b, t(s), :] · kernel + bias,   t(s) = goBackwards ? T-1-s : s,
 * over columns = gates·units (kernel [F, G·U]; bias from its start, [G·U] or a GRU's [2, G·U]).
 * Bindings: x [B,T,F], kernel [F,G·U], bias (placeholder when unused) → gates [B,T,G·U].
 * Dispatch: one invocation per 4 rows × 4 columns; one dispatch.
 * Limits: column tiles / gemmWorkgroup[0] on grid x; row tiles fold into grid z.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import code from '../wgsl/input-projection.wgsl?raw';
import { composeShader, defineKernel, type KernelRun } from '../gpu/kernel.js';
import { rowGemmGrid, type RNNShape } from './shape.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

export const inputProjection = defineKernel({
  name: 'input-projection',
  code: composeShader(orderCode, code),
  params: ['rows', 'timesteps', 'features', 'columns', 'goBackwards', 'hasBias'],
  bindings: [
    { name: 'x', access: 'read' },
    { name: 'kernel', access: 'read' },
    { name: 'bias', access: 'read' },
    { name: 'gates', access: 'read_write' },
  ],
});

export type InputProjectionRun = KernelRun<
  (typeof inputProjection.params)[number],
  (typeof inputProjection.bindings)[number]['name']
>;

export function describeInputProjection(
  shape: RNNShape & { readonly gates: number },
  options: { goBackwards: boolean; useBias: boolean },
  strategy: Strategy,
  traits: DeviceTraits,
): InputProjectionRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  const rows = shape.batch * shape.timesteps;
  const columns = shape.gates * shape.units;
  return {
    spec: inputProjection,
    constants: { WORKGROUP_X: wx, WORKGROUP_Y: wy, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: [
      {
        workgroups: rowGemmGrid(rows, columns, strategy.gemmWorkgroup, traits.limits.maxComputeWorkgroupsPerDimension),
        params: {
          rows,
          timesteps: shape.timesteps,
          features: shape.features,
          columns,
          goBackwards: Number(options.goBackwards),
          hasBias: Number(options.useBias),
        },
      },
    ],
  };
}
