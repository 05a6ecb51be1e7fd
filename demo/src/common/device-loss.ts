/** Tells the person, loudly, when the WebGPU device is lost: everything after that would fail or lie. */
import { showAlert } from './alerts.js';

export function reportDeviceLoss(device: GPUDevice, alerts: HTMLElement): void {
  void device.lost.then((info) => {
    if (info.reason === 'destroyed') return;
    showAlert(
      alerts,
      'error',
      'The WebGPU device was lost',
      `${info.message || 'The browser gave no reason.'} Reload the page to start again.`,
    );
    alerts.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
}
