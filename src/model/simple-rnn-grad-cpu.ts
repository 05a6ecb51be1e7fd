/** Gradient kernel on the cpu backend: the float64 TypeScript reference of BPTT. */
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { resolveConfig } from '../kernels/config.js';
import { expandLastStep, simpleRNNBackwardRef } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues } from './cpu-tensors.js';
import { gradInputs, rnnAttrs, rnnConfig, SIMPLE_RNN_GRAD } from './kernel-names.js';

export const simpleRNNGradCPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN_GRAD,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = gradInputs(inputs);
    const a = rnnAttrs(attrs);
    const config = resolveConfig(rnnConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U } = config;
    const dy = cpuValues(cpu, input.dy);
    const dh = a.returnSequences ? dy : expandLastStep(dy, B, T, U);
    const grads = simpleRNNBackwardRef(
      {
        x: cpuValues(cpu, input.x),
        kernel: cpuValues(cpu, input.kernel),
        recurrentKernel: cpuValues(cpu, input.recurrentKernel),
        initialState: input.initialState ? cpuValues(cpu, input.initialState) : null,
        h: cpuValues(cpu, input.h),
        z: cpuValues(cpu, input.z),
        dh,
      },
      config,
    );
    const outputs: TensorInfo[] = [
      cpuTensor(cpu, grads.dx, [B, T, F]),
      cpuTensor(cpu, grads.dKernel, [F, U]),
      cpuTensor(cpu, grads.dRecurrentKernel, [U, U]),
    ];
    if (config.useBias) outputs.push(cpuTensor(cpu, grads.dBias, [U]));
    if (config.useInitialState) outputs.push(cpuTensor(cpu, grads.dInitialState, [B, U]));
    return outputs;
  },
};
