/** GRU gradient kernel on the cpu backend: the float64 TypeScript reference of BPTT. */
import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs';
import { resolveGRUConfig } from '../kernels/config.js';
import { gruBackwardRef } from '../kernels/gru.ref.js';
import { expandLastStep } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues, optionalValues } from './cpu-tensors.js';
import { GRU_GRAD, gruConfig, kernelAttrs, kernelInputs, type GRUAttrs, type GRUGradInputs } from './kernel-names.js';

export const gruGradCPUConfig: KernelConfig = {
  kernelName: GRU_GRAD,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = kernelInputs<GRUGradInputs>(inputs);
    const a = kernelAttrs<GRUAttrs>(attrs);
    const config = resolveGRUConfig(gruConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U } = config;
    const dy = cpuValues(cpu, input.dy);
    const grads = gruBackwardRef(
      {
        x: cpuValues(cpu, input.x),
        kernel: cpuValues(cpu, input.kernel),
        recurrentKernel: cpuValues(cpu, input.recurrentKernel),
        initialState: optionalValues(cpu, input.initialState),
        h: cpuValues(cpu, input.h),
        gates: cpuValues(cpu, input.gates),
        resetProduct: cpuValues(cpu, input.resetProduct),
        dh: a.returnSequences ? dy : expandLastStep(dy, B, T, U),
      },
      config,
    );
    const outputs = [
      cpuTensor(cpu, grads.dx, [B, T, F]),
      cpuTensor(cpu, grads.dKernel, [F, 3 * U]),
      cpuTensor(cpu, grads.dRecurrentKernel, [U, 3 * U]),
    ];
    if (config.useBias) outputs.push(cpuTensor(cpu, grads.dBias, config.resetAfter ? [2, 3 * U] : [3 * U]));
    if (config.useInitialState) outputs.push(cpuTensor(cpu, grads.dInitialState, [B, U]));
    return outputs;
  },
};
