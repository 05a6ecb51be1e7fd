/**
 * Weight gradients, one GEMM over all batch·timesteps rows r = (b, s):
 *   [dKernel; dRecurrentKernel; dBias] = [x_t(s) | h_{s-1} | 1]ᵀ · dz,  h_{-1} = initialState or 0.
 * Bindings: x [B,T,F], h [B,T,U], initialState [B,U], dz [B,T,U] → dKernel [F,U],
 * dRecurrentKernel [U,U], dBias [U] (placeholders where unused).
 * Dispatch: one invocation per 4 × 4 output tile, reducing over every row; one dispatch.
 * Limits: 7 storage buffers; output tile rows (features + units)/4 + 1 on grid y.
 */
import code from '../wgsl/weight-gradients.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { tiles4, type RNNShape } from './shape.js';
import type { Strategy } from './strategy.js';

export const weightGradients = defineKernel({
  name: 'weight-gradients',
  code,
  params: ['batch', 'timesteps', 'features', 'units', 'goBackwards', 'hasBias', 'hasInitialState'],
  bindings: [
    { name: 'x', access: 'read' },
    { name: 'h', access: 'read' },
    { name: 'initialState', access: 'read' },
    { name: 'dz', access: 'read' },
    { name: 'dKernel', access: 'read_write' },
    { name: 'dRecurrentKernel', access: 'read_write' },
    { name: 'dBias', access: 'read_write' },
  ],
});

export type WeightGradientsRun = KernelRun<(typeof weightGradients.params)[number], (typeof weightGradients.bindings)[number]['name']>;

export function weightGradientTileRows(shape: RNNShape, useBias: boolean): number {
  return tiles4(shape.features) + tiles4(shape.units) + Number(useBias);
}

export function describeWeightGradients(
  shape: RNNShape,
  options: { goBackwards: boolean; useBias: boolean; useInitialState: boolean },
  strategy: Strategy,
): WeightGradientsRun {
  const [wx, wy] = strategy.gemmWorkgroup;
  return {
    spec: weightGradients,
    constants: { WORKGROUP_X: wx, WORKGROUP_Y: wy },
    dispatches: [
      {
        workgroups: [Math.ceil(tiles4(shape.units) / wx), Math.ceil(weightGradientTileRows(shape, options.useBias) / wy), 1],
        params: {
          batch: shape.batch,
          timesteps: shape.timesteps,
          features: shape.features,
          units: shape.units,
          goBackwards: Number(options.goBackwards),
          hasBias: Number(options.useBias),
          hasInitialState: Number(options.useInitialState),
        },
      },
    ],
  };
}
