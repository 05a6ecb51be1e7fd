/** Gradient kernel on the webgpu backend: BPTT and the weight GEMMs in one encoding, zero-copy. */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { gradInputs, rnnAttrs, rnnConfig, SIMPLE_RNN_GRAD } from './kernel-names.js';
import { planFor } from './plan-cache.js';
import { adaptWebGPUBackend } from './tfjs-webgpu-adapter.js';

export const simpleRNNGradWebGPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN_GRAD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const gpu = adaptWebGPUBackend(backend);
    const input = gradInputs(inputs);
    const a = rnnAttrs(attrs);
    const rnn = planFor(gpu.device, rnnConfig(input, a));
    const { batch, timesteps, features, units, useBias, useInitialState } = rnn.config;
    const dy = gpu.buffer(input.dy);
    const dx = gpu.allocate([batch, timesteps, features]);
    const dKernel = gpu.allocate([features, units]);
    const dRecurrentKernel = gpu.allocate([units, units]);
    const dBias = useBias ? gpu.allocate([units]) : null;
    // Scratch unless the initial state is an input: the kernel writes it either way.
    const dInitialState = gpu.allocate([batch, units]);
    const dz = gpu.allocate([batch, timesteps, units]);
    const results = [dx, dKernel, dRecurrentKernel, dBias, dInitialState, dz];
    try {
      rnn.encodeBackward(
        gpu.encoder(),
        {
          x: gpu.buffer(input.x),
          kernel: gpu.buffer(input.kernel),
          recurrentKernel: gpu.buffer(input.recurrentKernel),
          initialState: input.initialState ? gpu.buffer(input.initialState) : null,
          h: gpu.buffer(input.h),
          z: gpu.buffer(input.z),
          ...(a.returnSequences ? { dh: dy } : { dhLast: dy }),
        },
        {
          dx: dx.buffer,
          dKernel: dKernel.buffer,
          dRecurrentKernel: dRecurrentKernel.buffer,
          dBias: dBias?.buffer ?? null,
          dInitialState: dInitialState.buffer,
          dz: dz.buffer,
        },
      );
    } catch (error) {
      // Refused (a mapped buffer behind a zero-copy tensor): the outputs go back to the pool.
      for (const output of results) if (output) gpu.release(output.info);
      throw error;
    }
    gpu.holdUntilSubmitted([...Object.values(input), ...results.map((r) => r?.info)]);
    gpu.release(dz.info);
    if (!useInitialState) gpu.release(dInitialState.info);
    const outputs: TensorInfo[] = [dx.info, dKernel.info, dRecurrentKernel.info];
    if (dBias) outputs.push(dBias.info);
    if (useInitialState) outputs.push(dInitialState.info);
    return outputs;
  },
};
