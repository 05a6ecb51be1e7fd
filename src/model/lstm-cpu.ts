/** LSTM forward kernel on the cpu backend: the float64 TypeScript reference, results in float32. */
import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs';
import { resolveLSTMConfig } from '../kernels/config.js';
import { lstmForwardRef } from '../kernels/lstm.ref.js';
import { lastStates } from '../kernels/simple-rnn.ref.js';
import { cpuTensor, cpuValues, optionalValues } from './cpu-tensors.js';
import { kernelAttrs, kernelInputs, LSTM, lstmConfig, type LSTMAttrs, type LSTMInputs } from './kernel-names.js';

export const lstmCPUConfig: KernelConfig = {
  kernelName: LSTM,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as KernelBackend;
    const input = kernelInputs<LSTMInputs>(inputs);
    const a = kernelAttrs<LSTMAttrs>(attrs);
    const config = resolveLSTMConfig(lstmConfig(input, a));
    const { batch: B, timesteps: T, units: U } = config;
    const { h, c, gates } = lstmForwardRef(
      {
        x: cpuValues(cpu, input.x),
        kernel: cpuValues(cpu, input.kernel),
        recurrentKernel: cpuValues(cpu, input.recurrentKernel),
        bias: optionalValues(cpu, input.bias),
        initialState: optionalValues(cpu, input.initialState),
        initialCellState: optionalValues(cpu, input.initialCellState),
      },
      config,
    );
    const outputs = [cpuTensor(cpu, h, [B, T, U]), cpuTensor(cpu, c, [B, T, U]), cpuTensor(cpu, gates, [B, T, 4 * U])];
    if (!a.returnSequences) outputs.push(cpuTensor(cpu, lastStates(h, B, T, U), [B, U]));
    if (a.returnState) outputs.push(cpuTensor(cpu, lastStates(c, B, T, U), [B, U]));
    return outputs;
  },
};
