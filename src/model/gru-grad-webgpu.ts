/** GRU gradient kernel on the webgpu backend: BPTT and the weight GEMMs in one encoding, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { GRU_GRAD, gruConfig, kernelAttrs, kernelInputs, type GRUAttrs, type GRUGradInputs } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

export const gruGradWebGPUConfig: KernelConfig = {
  kernelName: GRU_GRAD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = kernelInputs<GRUGradInputs>(inputs);
    const a = kernelAttrs<GRUAttrs>(attrs);
    const gru = planFor(gpu.device, 'gru', gruConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U, useBias, useInitialState, resetAfter } = gru.config;
    // dy is the gradient of every state, or of the last one only.
    const { dy, ...saved } = input;
    const buffers = { ...inputBuffers(gpu, saved), [a.returnSequences ? 'dh' : 'dhLast']: gpu.buffer(dy) };
    // resetAfter: two bias rows, and the recurrent side of h̃ has its own gradient block.
    const shapes = {
      dx: [B, T, F],
      dKernel: [F, 3 * U],
      dRecurrentKernel: [U, 3 * U],
      dBias: useBias ? (resetAfter ? [2, 3 * U] : [3 * U]) : null,
      dInitialState: [B, U],
      dGates: [B, T, (resetAfter ? 4 : 3) * U],
    };
    // The initial state's gradient is written either way: scratch unless it is an input.
    const scratch: (keyof typeof shapes)[] = useInitialState ? ['dGates'] : ['dGates', 'dInitialState'];
    const out = encodeOutputs(gpu, Object.values(input), shapes, scratch, (encoder, o) =>
      gru.encodeBackward(encoder, buffers, {
        dx: o.dx!,
        dKernel: o.dKernel!,
        dRecurrentKernel: o.dRecurrentKernel!,
        dBias: o.dBias,
        dInitialState: o.dInitialState!,
        dGates: o.dGates!,
      }),
    );
    return present([out.dx, out.dKernel, out.dRecurrentKernel, out.dBias, out.dInitialState]);
  },
};
