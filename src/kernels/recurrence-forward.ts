/**
 * Forward recurrence, steps in consumption order:
 *   z_s = p_s + h_{s-1} · recurrentKernel,  h_s = activate(z_s),  h_{-1} = initialState or 0,
 * where p_s = x_t(s) · kernel + bias arrives in z (input-projection) and is overwritten by z_s.
 * Bindings: z [B,T,U] (in/out), recurrentKernel [U,U], initialState [B,U] (placeholder when unused)
 * → h [B,T,U], and last [B,U] (h at the last step) when requested.
 * Dispatch: persistent: 1 dispatch of ceil(B/4) workgroups; stepwise: T dispatches (recurrence-schedule).
 * Limits: ceil(B/4) ≤ maxComputeWorkgroupsPerDimension; weights in workgroup memory need U²·4 bytes.
 */
import activationCode from '../wgsl/activation.wgsl?raw';
import code from '../wgsl/recurrence-forward.wgsl?raw';
import { composeShader, defineKernel, type KernelRun } from '../gpu/kernel.js';
import { activationId, type Activation } from './activation.js';
import { recurrenceSchedule } from './recurrence-schedule.js';
import type { RNNShape } from './shape.js';
import type { Strategy } from './strategy.js';

export const recurrenceForward = defineKernel({
  name: 'recurrence-forward',
  code: composeShader(activationCode, code),
  params: ['batch', 'timesteps', 'units', 'hasInitialState', 'stepBegin', 'stepEnd', 'hasLast'],
  bindings: [
    { name: 'z', access: 'read_write' },
    { name: 'recurrentKernel', access: 'read' },
    { name: 'initialState', access: 'read' },
    { name: 'h', access: 'read_write' },
    { name: 'last', access: 'read_write' },
  ],
});

export type RecurrenceForwardRun = KernelRun<(typeof recurrenceForward.params)[number], (typeof recurrenceForward.bindings)[number]['name']>;

export function describeRecurrenceForward(
  shape: RNNShape,
  options: { activation: Activation; useInitialState: boolean; writeLast: boolean },
  strategy: Strategy,
): RecurrenceForwardRun {
  const schedule = recurrenceSchedule(shape, shape.timesteps, strategy);
  return {
    spec: recurrenceForward,
    constants: { ...schedule.constants, ACTIVATION: activationId(options.activation) },
    dispatches: schedule.ranges.map((range) => ({
      workgroups: range.workgroups,
      params: {
        batch: shape.batch,
        timesteps: shape.timesteps,
        units: shape.units,
        hasInitialState: Number(options.useInitialState),
        stepBegin: range.begin,
        stepEnd: range.end,
        hasLast: Number(options.writeLast),
      },
    })),
  };
}
