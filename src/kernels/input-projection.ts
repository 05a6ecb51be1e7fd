/**
 * Input projection of a recurrent layer, every timestep and gate in one GEMM over batch·timesteps rows:
 *   gates[b, s, :] = (x[b, t(s), :] ⊙ dm[b, :]) · kernel + bias,   t(s) = goBackwards ? T-1-s : s,
 * over columns = gates·units, dm the input's dropout mask in `side` (1 without). One dispatch (see
 * input-projection.wgsl).
 * Limits: column tiles / gemmWorkgroup[0] on grid x; row tiles fold into grid z.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import rowsCode from '../wgsl/input-rows.wgsl?raw';
import code from '../wgsl/input-projection.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { rowGemmGrid, type RNNShape } from './shape.js';
import { dropoutConstants, inputDropoutAt, type SideLayout } from './side-inputs.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

export const inputProjection = defineKernel({
  name: 'input-projection',
  modules: [orderCode, rowsCode, code],
  params: {
    rows: 'u32',
    timesteps: 'u32',
    features: 'u32',
    columns: 'u32',
    goBackwards: 'u32',
    hasBias: 'u32',
    inputDropoutAt: 'u32',
  },
  bindings: [
    { name: 'x', access: 'read', holds: '[batch, timesteps, features]', tiles: true },
    { name: 'kernel', access: 'read', holds: '[features, columns]' },
    { name: 'bias', access: 'read', holds: '[columns], from its start (read only when params.hasBias)' },
    { name: 'gates', access: 'read_write', holds: '[batch, timesteps, columns]', tiles: true },
    {
      name: 'side',
      access: 'read',
      holds: "the input's dropout mask at params.inputDropoutAt (side-inputs.ts)",
      tiles: true,
    },
  ],
});

export type InputProjectionRun = KernelRun<
  keyof typeof inputProjection.params,
  (typeof inputProjection.bindings)[number]['name']
>;

export interface InputProjectionOptions {
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  readonly side?: SideLayout | null;
}

export function describeInputProjection(
  shape: RNNShape & { readonly gates: number },
  options: InputProjectionOptions,
  strategy: Strategy,
  traits: DeviceTraits,
): InputProjectionRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  const rows = shape.batch * shape.timesteps;
  const columns = shape.gates * shape.units;
  return {
    spec: inputProjection,
    constants: {
      WORKGROUP_X: wx,
      WORKGROUP_Y: wy,
      INPUT_DROPOUT: dropoutConstants(options.side ?? null).INPUT_DROPOUT,
      WORKGROUP_ORDER: workgroupOrderId(strategy),
    },
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
          inputDropoutAt: inputDropoutAt(options.side ?? null),
        },
      },
    ],
  };
}
