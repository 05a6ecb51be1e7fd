/**
 * The benchmark page: pick a shape (or a preset), run, and read the medians as a table and a bar
 * chart; export them as JSON. This entry starts tfjs and wires the controls.
 */
import type { Result } from 'vega-embed';
import { renderAdapterLine } from './common/adapter-line.js';
import { clearAlerts, errorMessage, reportUncaughtErrors, showAlert } from './common/alerts.js';
import { startBackend } from './common/backend.js';
import { reportDeviceLoss } from './common/device-loss.js';
import { byId, lockControls } from './common/dom.js';
import { createBenchForm } from './bench/bench-form.js';
import type { BenchResult } from './bench/bench-result.js';
import { copyResults, downloadResults } from './bench/results-export.js';
import { renderResultsTable } from './bench/results-table.js';
import { runBenchmark } from './bench/run-benchmark.js';
import { renderTimingChart } from './bench/timing-chart.js';

const pageAlerts = byId('page-alerts', HTMLDivElement);
reportUncaughtErrors(pageAlerts);

const form = createBenchForm();
const runButton = byId('run-button', HTMLButtonElement);
const progress = byId('bench-progress', HTMLProgressElement);
const status = byId('bench-status', HTMLParagraphElement);
const resultsAlerts = byId('results-alerts', HTMLDivElement);
const table = byId('results-table', HTMLTableElement);
const chart = byId('timing-chart', HTMLDivElement);
const copyButton = byId('copy-json', HTMLButtonElement);
const downloadButton = byId('download-json', HTMLButtonElement);
const exportStatus = byId('export-status', HTMLSpanElement);

const backend = await startBackend();
renderAdapterLine(byId('adapter', HTMLParagraphElement), backend);
if (backend.name === 'webgpu') {
  reportDeviceLoss(backend.device, pageAlerts);
} else {
  showAlert(pageAlerts, 'warning', 'No WebGPU here: only the cpu backend can be timed', backend.whyNoWebGPU);
}
runButton.disabled = false;

let latest: BenchResult | null = null;
let drawn: Result | null = null;

async function run(): Promise<void> {
  const config = form.read();
  if (!config) return;
  lockControls(true);
  clearAlerts(resultsAlerts);
  copyButton.disabled = downloadButton.disabled = true;
  exportStatus.textContent = '';
  try {
    latest = await runBenchmark(config, backend, (text, fraction) => {
      status.textContent = text;
      progress.value = fraction;
    });
    renderResultsTable(table, latest);
    drawn?.finalize();
    drawn = await renderTimingChart(chart, latest);
    copyButton.disabled = downloadButton.disabled = false;
  } catch (error) {
    status.textContent = 'The benchmark stopped with an error.';
    showAlert(resultsAlerts, 'error', 'The benchmark failed', errorMessage(error));
  } finally {
    lockControls(false);
  }
}

runButton.addEventListener('click', () => void run());
copyButton.addEventListener('click', () => {
  if (!latest) return;
  copyResults(latest).then(
    () => (exportStatus.textContent = 'Copied to the clipboard.'),
    (error: unknown) =>
      (exportStatus.textContent = `Could not copy (${errorMessage(error)}); use Download JSON instead.`),
  );
});
downloadButton.addEventListener('click', () => {
  if (latest) downloadResults(latest);
});
