/**
 * Step 5: Download weights. The worker exports the model (copyWeightsToModel, model.save to
 * memory); the page loads it in tfjs, checks it and saves it as char-rnn.json and char-rnn.weights.bin.
 */
import { clearAlerts, errorMessage, showAlert } from '../common/alerts.js';
import { byId } from '../common/dom.js';
import { formatScientific } from '../common/format.js';
import type { ExportedModel } from './protocol.js';
import { checkAndSave } from './tfjs-save.js';

export interface DownloadCard {
  /** Disabled, it also forgets the last download's outcome: a new model is coming. */
  enable(enabled: boolean): void;
}

/** `exportModel` asks the worker for the model and the trainer's probabilities for `probe`. */
export function createDownloadCard(
  exportModel: () => Promise<{ model: ExportedModel; probe: Int32Array }>,
): DownloadCard {
  const button = byId('download-button', HTMLButtonElement);
  const status = byId('download-status', HTMLSpanElement);
  const alerts = byId('download-alerts', HTMLDivElement);

  button.addEventListener('click', () => {
    button.disabled = true;
    clearAlerts(alerts);
    delete status.dataset.difference;
    status.textContent = 'Copying the weights into a tfjs model in the worker…';
    void (async () => {
      try {
        const { model, probe } = await exportModel();
        status.textContent = 'Loading it in tfjs and checking it…';
        const difference = await checkAndSave(model, probe);
        status.dataset.difference = String(difference);
        status.textContent =
          'Saved char-rnn.json and char-rnn.weights.bin. Loaded in tfjs, the model gives the trainer’s ' +
          `probabilities for the text’s first window (largest difference ${formatScientific(difference)}).`;
      } catch (error) {
        status.textContent = '';
        showAlert(alerts, 'error', 'The download failed', errorMessage(error));
      } finally {
        button.disabled = false;
      }
    })();
  });

  return {
    enable(enabled) {
      button.disabled = !enabled;
      if (enabled) return;
      clearAlerts(alerts);
      delete status.dataset.difference;
      status.textContent = '';
    },
  };
}
