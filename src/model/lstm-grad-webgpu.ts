/** LSTM gradient kernel on the webgpu backend: BPTT and the weight GEMMs in one encoding, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import {
  kernelAttrs,
  kernelInputs,
  LSTM_GRAD,
  lstmConfig,
  type LSTMAttrs,
  type LSTMGradInputs,
} from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

export const lstmGradWebGPUConfig: KernelConfig = {
  kernelName: LSTM_GRAD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = kernelInputs<LSTMGradInputs>(inputs);
    const a = kernelAttrs<LSTMAttrs>(attrs);
    const lstm = planFor(gpu.device, 'lstm', lstmConfig(input, a));
    const {
      batch: B,
      timesteps: T,
      features: F,
      units: U,
      useBias,
      useInitialState,
      useInitialCellState,
    } = lstm.config;
    // dy is the gradient of every state, or of the last one only.
    const { dy, ...saved } = input;
    const buffers = { ...inputBuffers(gpu, saved), [a.returnSequences ? 'dh' : 'dhLast']: gpu.buffer(dy) };
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
