/** LSTM gradient kernel on the webgpu backend: BPTT and the weight GEMMs in one encoding, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { kernelAttrs, kernelInputs, LSTM_GRAD, lstmConfig, type LSTMAttrs, type LSTMGradInputs } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, present } from './webgpu-kernel-outputs.js';

export const lstmGradWebGPUConfig: KernelConfig = {
  kernelName: LSTM_GRAD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = kernelInputs<LSTMGradInputs>(inputs);
    const a = kernelAttrs<LSTMAttrs>(attrs);
    const lstm = planFor(gpu.device, 'lstm', lstmConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U, useBias, useInitialState, useInitialCellState } = lstm.config;
    const dy = gpu.buffer(input.dy);
    const buffers = {
      x: gpu.buffer(input.x),
      kernel: gpu.buffer(input.kernel),
      recurrentKernel: gpu.buffer(input.recurrentKernel),
      initialState: input.initialState ? gpu.buffer(input.initialState) : null,
      initialCellState: input.initialCellState ? gpu.buffer(input.initialCellState) : null,
      h: gpu.buffer(input.h),
      c: gpu.buffer(input.c),
      gates: gpu.buffer(input.gates),
      ...(a.returnSequences ? { dh: dy } : { dhLast: dy }),
      dcLast: input.dcLast ? gpu.buffer(input.dcLast) : null,
    };
    // The initial states' gradients are written either way: scratch unless they are inputs.
    const shapes = {
      dx: [B, T, F],
      dKernel: [F, 4 * U],
      dRecurrentKernel: [U, 4 * U],
      dBias: useBias ? [4 * U] : null,
      dInitialState: [B, U],
      dInitialCellState: [B, U],
      dGates: [B, T, 4 * U],
    };
    const scratch: (keyof typeof shapes)[] = ['dGates'];
    if (!useInitialState) scratch.push('dInitialState');
    if (!useInitialCellState) scratch.push('dInitialCellState');
    const out = encodeOutputs(gpu, Object.values(input), shapes, scratch, (encoder, o) =>
      lstm.encodeBackward(encoder, buffers, {
        dx: o.dx!,
        dKernel: o.dKernel!,
        dRecurrentKernel: o.dRecurrentKernel!,
        dBias: o.dBias,
        dInitialState: o.dInitialState!,
        dInitialCellState: o.dInitialCellState!,
        dGates: o.dGates!,
      }),
    );
    return present([out.dx, out.dKernel, out.dRecurrentKernel, out.dBias, out.dInitialState, out.dInitialCellState]);
  },
};
