/**
 * One plan (validated config + kernel descriptions) per device, cell and configuration, so a tfjs
 * kernel call checks a configuration against the device's limits once, not every step.
 */
import type { GRUConfig, LSTMConfig, SimpleRNNConfig } from '../kernels/config.js';
import { createGRU, type GRU } from '../kernels/gru.js';
import { createLSTM, type LSTM } from '../kernels/lstm.js';
import { createSimpleRNN, type SimpleRNN } from '../kernels/simple-rnn.js';

interface Plans {
  simpleRNN: [SimpleRNNConfig, SimpleRNN];
  lstm: [LSTMConfig, LSTM];
  gru: [GRUConfig, GRU];
}

const CREATE: { [K in keyof Plans]: (device: GPUDevice, config: Plans[K][0]) => Plans[K][1] } = {
  simpleRNN: createSimpleRNN,
  lstm: createLSTM,
  gru: createGRU,
};

const plans = new WeakMap<GPUDevice, Map<string, unknown>>();

export function planFor<K extends keyof Plans>(device: GPUDevice, cell: K, config: Plans[K][0]): Plans[K][1] {
  let byConfig = plans.get(device);
  if (!byConfig) {
    byConfig = new Map();
    plans.set(device, byConfig);
  }
  const key = `${cell} ${JSON.stringify(config)}`;
  let plan = byConfig.get(key) as Plans[K][1] | undefined;
  if (!plan) {
    plan = CREATE[cell](device, config);
    byConfig.set(key, plan);
  }
  return plan;
}
