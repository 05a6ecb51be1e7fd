/** The check every entry taking a GPUDevice makes first, so that null or a wrong object fails by name. */
import { describeValue } from '../describe-value.js';

export function isGPUDevice(value: unknown): value is GPUDevice {
  const device = value as Partial<GPUDevice> | null;
  return (
    typeof device === 'object' &&
    device !== null &&
    typeof device.createBuffer === 'function' &&
    typeof device.createCommandEncoder === 'function' &&
    typeof device.limits === 'object' &&
    typeof device.queue === 'object'
  );
}

export function checkDevice(argument: string, value: unknown): GPUDevice {
  if (!isGPUDevice(value)) throw new TypeError(`${argument}: expected a GPUDevice; got ${describeValue(value)}`);
  return value;
}
