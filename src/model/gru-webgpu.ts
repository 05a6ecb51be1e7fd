/** GRU forward kernel on the webgpu backend: the core's fused kernels on the backend's own device, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { GRU, gruConfig, kernelAttrs, kernelInputs, type GRUAttrs, type GRUInputs } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

export const gruWebGPUConfig: KernelConfig = {
  kernelName: GRU,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = kernelInputs<GRUInputs>(inputs);
    const a = kernelAttrs<GRUAttrs>(attrs);
    const gru = planFor(gpu.device, 'gru', gruConfig(input, a));
    const { batch: B, timesteps: T, units: U } = gru.config;
    const buffers = inputBuffers(gpu, input);
    const shapes = {
      h: [B, T, U],
      gates: [B, T, 3 * U],
      resetProduct: [B, T, U],
      last: a.returnSequences ? null : [B, U],
    };
    const out = encodeOutputs(gpu, Object.values(input), shapes, [], (encoder, o) =>
      gru.encodeForward(encoder, buffers, { h: o.h!, gates: o.gates!, resetProduct: o.resetProduct!, last: o.last }),
    );
    return present([out.h, out.gates, out.resetProduct, out.last]);
  },
};
