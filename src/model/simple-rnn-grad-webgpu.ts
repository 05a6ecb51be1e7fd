/** Gradient kernel on the webgpu backend: BPTT and the weight GEMMs in one encoding, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { gradInputs, rnnAttrs, rnnConfig, SIMPLE_RNN_GRAD } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

export const simpleRNNGradWebGPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN_GRAD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = gradInputs(inputs);
    const a = rnnAttrs(attrs);
    const rnn = planFor(gpu.device, 'simpleRNN', rnnConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U, useBias, useInitialState } = rnn.config;
    // dy is the gradient of every state, or of the last one only.
    const { dy, ...saved } = input;
    const buffers = { ...inputBuffers(gpu, saved), [a.returnSequences ? 'dh' : 'dhLast']: gpu.buffer(dy) };
    // The initial state's gradient is written either way: scratch unless it is an input.
    const shapes = {
      dx: [B, T, F],
      dKernel: [F, U],
      dRecurrentKernel: [U, U],
      dBias: useBias ? [U] : null,
      dInitialState: [B, U],
      dz: [B, T, U],
    };
    const scratch = useInitialState ? (['dz'] as const) : (['dz', 'dInitialState'] as const);
    const out = encodeOutputs(gpu, Object.values(input), shapes, scratch, (encoder, o) =>
      rnn.encodeBackward(encoder, buffers, {
        dx: o.dx!,
        dKernel: o.dKernel!,
        dRecurrentKernel: o.dRecurrentKernel!,
        dBias: o.dBias,
        dInitialState: o.dInitialState!,
        dz: o.dz!,
      }),
    );
    return present([out.dx, out.dKernel, out.dRecurrentKernel, out.dBias, out.dInitialState]);
  },
};
