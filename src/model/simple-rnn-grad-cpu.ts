/** Gradient kernel on the cpu backend: the float64 TypeScript reference of BPTT. */
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { resolveConfig } from '../kernels/config.js';
import { simpleRNNBackwardRef } from '../kernels/simple-rnn.ref.js';
import { gradInputs, rnnAttrs, rnnConfig, SIMPLE_RNN_GRAD } from './kernel-names.js';
import { cpuTensor, cpuValues } from './simple-rnn-cpu.js';

export const simpleRNNGradCPUConfig: KernelConfig = {
  kernelName: SIMPLE_RNN_GRAD,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = gradInputs(inputs);
    const a = rnnAttrs(attrs);
    const config = resolveConfig(rnnConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U } = config;
    let dh: ArrayLike<number> = cpuValues(cpu, input.dy);
    if (!a.returnSequences) {
      const full = new Float32Array(B * T * U);
      for (let b = 0; b < B; b++) full.set((dh as Float32Array).subarray(b * U, (b + 1) * U), ((b + 1) * T - 1) * U);
      dh = full;
    }
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
