/** LSTM forward kernel on the webgpu backend: the core's fused kernels on the backend's own device, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { kernelAttrs, kernelInputs, LSTM, lstmConfig, type LSTMAttrs, type LSTMInputs } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

export const lstmWebGPUConfig: KernelConfig = {
  kernelName: LSTM,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = kernelInputs<LSTMInputs>(inputs);
    const a = kernelAttrs<LSTMAttrs>(attrs);
    const lstm = planFor(gpu.device, 'lstm', lstmConfig(input, a));
    const { batch: B, timesteps: T, units: U } = lstm.config;
    const buffers = inputBuffers(gpu, input);
    const shapes = {
      h: [B, T, U],
      c: [B, T, U],
      gates: [B, T, 4 * U],
      last: a.returnSequences ? null : [B, U],
      lastCellState: a.returnState ? [B, U] : null,
    };
    const out = encodeOutputs(gpu, Object.values(input), shapes, [], (encoder, o) =>
      lstm.encodeForward(encoder, buffers, {
        h: o.h!,
        c: o.c!,
        gates: o.gates!,
        last: o.last,
        lastCellState: o.lastCellState,
      }),
    );
    return present([out.h, out.c, out.gates, out.last, out.lastCellState]);
  },
};
