/**
 * Input gradient of a recurrent layer, every timestep in one GEMM over batch·timesteps rows:
 *   dx[b, t(s), :] = (dGates[b, s, :G·U] · kernelᵀ) ⊙ dm[b, :],   t(s) = goBackwards ? T-1-s : s,
 * dm the input's dropout mask in `side` (1 without), reducing over the gates' columns G·U of dGates rows
 * gradientBlocks·U wide. One dispatch (see input-gradient.wgsl): tiles of 4 rows × 4 features, in
 * workgroups of gemmWorkgroup tiles, or with strategy.inputGradientSlices > 1 a workgroup of that many
 * lanes per tile, splitting its reduction.
 * Limits: feature tiles (/ gemmWorkgroup[0]) on grid x; row tiles fold into grid z.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import rowsCode from '../wgsl/input-rows.wgsl?raw';
import dxRowsCode from '../wgsl/input-gradient-rows.wgsl?raw';
import code from '../wgsl/input-gradient.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { rowGemmGrid, type RNNShape } from './shape.js';
import { dropoutConstants, inputDropoutAt, type SideLayout } from './side-inputs.js';
import { workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';

export const inputGradient = defineKernel({
  name: 'input-gradient',
  modules: [orderCode, rowsCode, dxRowsCode, code],
  params: {
    rows: 'u32',
    timesteps: 'u32',
    features: 'u32',
    columns: 'u32',
    stride: 'u32',
    goBackwards: 'u32',
    inputDropoutAt: 'u32',
  },
  bindings: [
    { name: 'dGates', access: 'read', holds: '[batch, timesteps, stride]', tiles: true },
    { name: 'kernel', access: 'read', holds: '[features, columns]' },
    { name: 'dx', access: 'read_write', holds: '[batch, timesteps, features]', tiles: true },
    { name: 'side', access: 'read', holds: "the input's dropout mask at params.inputDropoutAt (side-inputs.ts)" },
  ],
});

export type InputGradientRun = KernelRun<
  keyof typeof inputGradient.params,
  (typeof inputGradient.bindings)[number]['name']
>;

export function describeInputGradient(
  shape: RNNShape & { readonly gates: number; readonly gradientBlocks: number },
  options: { goBackwards: boolean; side?: SideLayout | null },
  strategy: Strategy,
  traits: DeviceTraits,
): InputGradientRun {
  const slices = strategy.inputGradientSlices;
  const tilesPerWorkgroup = slices > 1 ? ([1, 1] as const) : strategy.gemmWorkgroup;
  const rows = shape.batch * shape.timesteps;
  return {
    spec: inputGradient,
    constants: {
      WORKGROUP_X: slices > 1 ? slices : tilesPerWorkgroup[0],
      WORKGROUP_Y: tilesPerWorkgroup[1],
      K_SLICES: slices,
      INPUT_DROPOUT: dropoutConstants(options.side ?? null).INPUT_DROPOUT,
      WORKGROUP_ORDER: workgroupOrderId(strategy),
    },
    dispatches: [
      {
        workgroups: rowGemmGrid(
          rows,
          shape.features,
          tilesPerWorkgroup,
          traits.limits.maxComputeWorkgroupsPerDimension,
        ),
        params: {
          rows,
          timesteps: shape.timesteps,
          features: shape.features,
          columns: shape.gates * shape.units,
          stride: shape.gradientBlocks * shape.units,
          goBackwards: Number(options.goBackwards),
          inputDropoutAt: inputDropoutAt(options.side ?? null),
        },
      },
    ],
  };
}
