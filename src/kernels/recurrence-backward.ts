/**
 * Backward recurrence (BPTT), stage i = 0..T-1 at step s = T-1-i, then stage T:
 *   dz_s = (dh_s + dz_{s+1} · recurrentKernelᵀ) ⊙ activate'(z_s),   dInitialState = dz_0 · recurrentKernelᵀ.
 * Bindings: dh [B,T,U] (or [B,U]: the last step's only), z, h [B,T,U], recurrentKernel [U,U]
 * → dz [B,T,U], dInitialState [B,U].
 * Dispatch: persistent: 1 dispatch of ceil(B/4) workgroups; stepwise: T+1 dispatches (recurrence-schedule).
 * Limits: as recurrence-forward.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import code from '../wgsl/recurrence-backward.wgsl?raw';
import { composeShader, defineKernel, type KernelRun } from '../gpu/kernel.js';
import { activationId, type Activation } from './activation.js';
import { recurrenceSchedule } from './recurrence-schedule.js';
import type { RNNShape } from './shape.js';
import type { Strategy } from './strategy.js';

export const recurrenceBackward = defineKernel({
  name: 'recurrence-backward',
  code: composeShader(activationCode, code),
  params: ['batch', 'timesteps', 'units', 'stageBegin', 'stageEnd', 'lastStepOnly'],
  bindings: [
    { name: 'dh', access: 'read' },
    { name: 'z', access: 'read' },
    { name: 'h', access: 'read' },
    { name: 'recurrentKernel', access: 'read' },
    { name: 'dz', access: 'read_write' },
    { name: 'dInitialState', access: 'read_write' },
  ],
});

export type RecurrenceBackwardRun = KernelRun<(typeof recurrenceBackward.params)[number], (typeof recurrenceBackward.bindings)[number]['name']>;

export function describeRecurrenceBackward(
  shape: RNNShape,
  options: { activation: Activation; lastStepOnly: boolean },
  strategy: Strategy,
): RecurrenceBackwardRun {
  const schedule = recurrenceSchedule(shape, shape.timesteps + 1, strategy);
  return {
    spec: recurrenceBackward,
    constants: { ...schedule.constants, ACTIVATION: activationId(options.activation) },
    dispatches: schedule.ranges.map((range) => ({
      workgroups: range.workgroups,
      params: {
        batch: shape.batch,
        timesteps: shape.timesteps,
        units: shape.units,
        stageBegin: range.begin,
        stageEnd: range.end,
        lastStepOnly: Number(options.lastStepOnly),
      },
    })),
  };
}
