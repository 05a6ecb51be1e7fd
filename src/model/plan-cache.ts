/** One SimpleRNN plan (validated config + kernel descriptions) per device and configuration. */
import type { SimpleRNNConfig } from '../kernels/config.js';
import { createSimpleRNN, type SimpleRNN } from '../kernels/simple-rnn.js';

const plans = new WeakMap<GPUDevice, Map<string, SimpleRNN>>();

export function planFor(device: GPUDevice, config: SimpleRNNConfig): SimpleRNN {
  let byConfig = plans.get(device);
  if (!byConfig) {
    byConfig = new Map();
    plans.set(device, byConfig);
  }
  const key = JSON.stringify(config);
  let plan = byConfig.get(key);
  if (!plan) {
    plan = createSimpleRNN(device, config);
    byConfig.set(key, plan);
  }
  return plan;
}
