/** LSTM gradient kernel on the cpu backend: the float64 TypeScript reference of BPTT. */
import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs';
import { resolveLSTMConfig } from '../kernels/config.js';
import { lstmBackwardRef } from '../kernels/lstm.ref.js';
import { expandLastStep } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues, optionalValues } from './cpu-tensors.js';
import {
  kernelAttrs,
  kernelInputs,
  LSTM_GRAD,
  lstmConfig,
  type LSTMAttrs,
  type LSTMGradInputs,
} from './kernel-names.js';

export const lstmGradCPUConfig: KernelConfig = {
  kernelName: LSTM_GRAD,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = kernelInputs<LSTMGradInputs>(inputs);
    const a = kernelAttrs<LSTMAttrs>(attrs);
    const config = resolveLSTMConfig(lstmConfig(input, a));
    const { batch: B, timesteps: T, features: F, units: U } = config;
    const dy = cpuValues(cpu, input.dy);
    const grads = lstmBackwardRef(
      {
        x: cpuValues(cpu, input.x),
        kernel: cpuValues(cpu, input.kernel),
        recurrentKernel: cpuValues(cpu, input.recurrentKernel),
        initialState: optionalValues(cpu, input.initialState),
        initialCellState: optionalValues(cpu, input.initialCellState),
        h: cpuValues(cpu, input.h),
        c: cpuValues(cpu, input.c),
        gates: cpuValues(cpu, input.gates),
        dh: a.returnSequences ? dy : expandLastStep(dy, B, T, U),
        dcLast: optionalValues(cpu, input.dcLast),
      },
      config,
    );
    const outputs = [
      cpuTensor(cpu, grads.dx, [B, T, F]),
      cpuTensor(cpu, grads.dKernel, [F, 4 * U]),
      cpuTensor(cpu, grads.dRecurrentKernel, [U, 4 * U]),
    ];
    if (config.useBias) outputs.push(cpuTensor(cpu, grads.dBias, [4 * U]));
    if (config.useInitialState) outputs.push(cpuTensor(cpu, grads.dInitialState, [B, U]));
    if (config.useInitialCellState) outputs.push(cpuTensor(cpu, grads.dInitialCellState, [B, U]));
    return outputs;
  },
};
