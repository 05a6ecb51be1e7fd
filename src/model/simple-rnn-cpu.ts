/** Forward kernel on the cpu backend: the float64 TypeScript reference, results in float32. */
import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs';
import { resolveConfig } from '../kernels/config.js';
import { lastStates, simpleRNNForwardRef } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues } from './cpu-tensors.js';
import { forwardInputs, rnnAttrs, rnnConfig, SIMPLE_RNN } from './kernel-names.js';

export const simpleRNNCPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = forwardInputs(inputs);
    const a = rnnAttrs(attrs);
    const config = resolveConfig(rnnConfig(input, a));
    const { batch: B, timesteps: T, units: U } = config;
    const { h, z } = simpleRNNForwardRef(
      {
        x: cpuValues(cpu, input.x),
        kernel: cpuValues(cpu, input.kernel),
        recurrentKernel: cpuValues(cpu, input.recurrentKernel),
        bias: input.bias ? cpuValues(cpu, input.bias) : null,
        initialState: input.initialState ? cpuValues(cpu, input.initialState) : null,
      },
      config,
    );
    const states = cpuTensor(cpu, h, [B, T, U]);
    const preactivations = cpuTensor(cpu, z, [B, T, U]);
    if (a.returnSequences) return [states, preactivations];
    return [cpuTensor(cpu, lastStates(h, B, T, U), [B, U]), states, preactivations];
  },
};
