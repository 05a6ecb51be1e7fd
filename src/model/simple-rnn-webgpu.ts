/** Forward kernel on the webgpu backend: the fused WGSL kernels on the backend's own device, zero-copy. */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { forwardInputs, rnnAttrs, rnnConfig, SIMPLE_RNN } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';

export const simpleRNNWebGPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = forwardInputs(inputs);
    const a = rnnAttrs(attrs);
    const rnn = planFor(gpu.device, rnnConfig(input, a));
    const { batch, timesteps, units } = rnn.config;
    const buffers = {
      x: gpu.buffer(input.x),
      kernel: gpu.buffer(input.kernel),
      recurrentKernel: gpu.buffer(input.recurrentKernel),
      bias: input.bias ? gpu.buffer(input.bias) : null,
      initialState: input.initialState ? gpu.buffer(input.initialState) : null,
    };
    const h = gpu.allocate([batch, timesteps, units]);
    const z = gpu.allocate([batch, timesteps, units]);
    const last = a.returnSequences ? null : gpu.allocate([batch, units]);
    try {
      rnn.encodeForward(gpu.encoder(), buffers, { h: h.buffer, z: z.buffer, last: last?.buffer ?? null });
    } catch (error) {
      // Refused (a mapped buffer behind a zero-copy tensor): the outputs go back to the pool.
      for (const output of [h, z, last]) if (output) gpu.release(output.info);
      throw error;
    }
    gpu.holdUntilSubmitted([...Object.values(input), h.info, z.info, last?.info]);
    const outputs: TensorInfo[] = last ? [last.info, h.info, z.info] : [h.info, z.info];
    return outputs;
  },
};
