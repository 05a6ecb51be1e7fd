/** Forward kernel on the webgpu backend: the fused WGSL kernels on the backend's own device, zero-copy. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { forwardInputs, rnnAttrs, rnnConfig, SIMPLE_RNN } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';
import { encodeOutputs, inputBuffers, present } from './webgpu-kernel-outputs.js';

export const simpleRNNWebGPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = forwardInputs(inputs);
    const a = rnnAttrs(attrs);
    const rnn = planFor(gpu.device, 'simpleRNN', rnnConfig(input, a));
    const { batch: B, timesteps: T, units: U } = rnn.config;
    const buffers = inputBuffers(gpu, input);
    const shapes = { last: a.returnSequences ? null : [B, U], h: [B, T, U], z: [B, T, U] };
    const out = encodeOutputs(gpu, Object.values(input), shapes, [], (encoder, o) =>
      rnn.encodeForward(encoder, buffers, { h: o.h!, z: o.z!, last: o.last }),
    );
    return present([out.last, out.h, out.z]);
  },
};
