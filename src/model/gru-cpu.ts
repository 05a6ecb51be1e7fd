/** GRU forward kernel on the cpu backend: the float64 TypeScript reference, results in float32. */
import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs';
import { resolveGRUConfig } from '../kernels/config.js';
import { gruForwardRef } from '../kernels/gru.ref.js';
import { lastStates } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues, optionalValues } from './cpu-tensors.js';
import { GRU, gruConfig, kernelAttrs, kernelInputs, type GRUAttrs, type GRUInputs } from './kernel-names.js';

export const gruCPUConfig: KernelConfig = {
  kernelName: GRU,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = kernelInputs<GRUInputs>(inputs);
    const a = kernelAttrs<GRUAttrs>(attrs);
    const config = resolveGRUConfig(gruConfig(input, a));
    const { batch: B, timesteps: T, units: U } = config;
    const { h, gates, resetProduct } = gruForwardRef(
      {
        x: cpuValues(cpu, input.x),
        kernel: cpuValues(cpu, input.kernel),
        recurrentKernel: cpuValues(cpu, input.recurrentKernel),
        bias: optionalValues(cpu, input.bias),
        initialState: optionalValues(cpu, input.initialState),
      },
      config,
    );
    const outputs = [
      cpuTensor(cpu, h, [B, T, U]),
      cpuTensor(cpu, gates, [B, T, 3 * U]),
      cpuTensor(cpu, resetProduct, [B, T, U]),
    ];
    if (!a.returnSequences) outputs.push(cpuTensor(cpu, lastStates(h, B, T, U), [B, U]));
    return outputs;
  },
};
