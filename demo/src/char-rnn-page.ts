/**
 * The char-RNN page: pick a text and a model, train it in a Web Worker with the standalone trainer
 * (char-rnn/train-worker.ts), watch the loss and the characters per second, read a sample after
 * every epoch, and download the weights as a tfjs model. This entry wires the cards to the worker.
 */
import { renderWebGPUAdapter } from './common/adapter-line.js';
import { clearAlerts, errorMessage, reportUncaughtErrors, showAlert } from './common/alerts.js';
import { byId, h, lockControls } from './common/dom.js';
import { charWindows } from './char-rnn/char-windows.js';
import { createDownloadCard } from './char-rnn/download-card.js';
import { describeModel } from './char-rnn/model-summary.js';
import type { SampleRequest } from './char-rnn/protocol.js';
import { createSampleCard } from './char-rnn/sample-card.js';
import { createSettingsForm } from './char-rnn/settings-form.js';
import { createTextCard, type RunText } from './char-rnn/text-card.js';
import { createTrainCard } from './char-rnn/train-card.js';
import { startTrainingWorker } from './char-rnn/training-worker-client.js';

const pageAlerts = byId('page-alerts', HTMLDivElement);
reportUncaughtErrors(pageAlerts);

const adapterLine = byId('adapter', HTMLParagraphElement);
const modelSummary = byId('model-summary', HTMLParagraphElement);
const trainButton = byId('train-button', HTMLButtonElement);
const stopButton = byId('stop-button', HTMLButtonElement);
const trainAlerts = byId('train-alerts', HTMLDivElement);

const worker = startTrainingWorker();
const form = createSettingsForm();
const textCard = createTextCard((error) =>
  showAlert(pageAlerts, 'error', 'The text could not be loaded', errorMessage(error)),
);
const trainCard = createTrainCard();
const sampleCard = createSampleCard();

let webgpu = false;
let training = false;
// The worker's model: what it trains on (its vocabulary reads the samples) and the probe the download checks.
let model: { readonly run: RunText; readonly probe: Int32Array } | null = null;
// The request the worker samples with after each epoch: the last one sent.
let latestSample: SampleRequest | null = null;

const downloadCard = createDownloadCard(async () => {
  if (!model) throw new Error('no model yet: press Train first');
  const { run, probe } = model;
  return { model: await worker.exportModel(run.vocabulary.characters, probe), probe };
});

function refresh(): void {
  const settings = form.read();
  const run = textCard.describe(settings?.characters ?? null, settings?.timesteps ?? null);
  modelSummary.textContent = settings && run ? describeModel(settings, run.vocabulary.characters.length) : '';
  trainButton.disabled = !webgpu || training || !settings || !run;
}
form.onChange(refresh);
textCard.onLoad(({ text, content }) => {
  form.setTextLength(content.length);
  sampleCard.setPrime(text.prime);
  refresh();
});

worker.ready.then(
  (adapter) => {
    renderWebGPUAdapter(adapterLine, adapter);
    webgpu = true;
    if (adapter.isFallbackAdapter)
      showAlert(
        pageAlerts,
        'warning',
        'A software adapter: WebGPU runs on the CPU here',
        'A GPU would train far faster (the char-rnn preset is meant for one). For a first try here, ' +
          'pick the Quick preset: a small model on the first 20,000 characters.',
      );
    refresh();
  },
  (error: unknown) => {
    adapterLine.dataset.backend = 'none';
    adapterLine.replaceChildren(
      h('strong', {}, 'No WebGPU'),
      h('span', { class: 'tag bad' }, 'this page cannot train'),
    );
    showAlert(pageAlerts, 'error', 'The training worker has no WebGPU', errorMessage(error));
  },
);
worker.onLost((message) =>
  showAlert(pageAlerts, 'error', 'The WebGPU device was lost', `${message} Reload the page to start again.`),
);

function setTraining(running: boolean): void {
  training = running;
  lockControls(running);
  stopButton.disabled = !running;
  refresh();
}

async function train(): Promise<void> {
  const settings = form.read();
  const run = settings && textCard.describe(settings.characters, settings.timesteps);
  const sample = run && sampleCard.request(run.vocabulary);
  if (!settings || !run || !sample) return;
  const { cell, layers, units, embedding, timesteps, learningRate, epochs, batchSize } = settings;
  const windows = charWindows(run.vocabulary.encode(run.characters), timesteps);
  const probe = windows.x.slice(0, timesteps);
  model = null;
  sampleCard.enable(false);
  downloadCard.enable(false);
  clearAlerts(trainAlerts);
  setTraining(true);
  trainCard.begin(epochs, windows.samples * timesteps);
  trainCard.status('Creating the model in the worker…');
  try {
    await worker.configure({
      model: { cell, layers, units, embedding },
      vocabulary: run.vocabulary.characters.length,
      timesteps,
      learningRate,
      ...windows,
    });
    model = { run, probe };
    sampleCard.enable(true);
    downloadCard.enable(true);
    trainCard.status('Training the first epoch, which also compiles the kernels…');
    latestSample = sample;
    const { stopped } = await worker.train(epochs, batchSize, sample, (report) => {
      void trainCard.epoch(report);
      sampleCard.show(sampleCard.asked(), latestSample!, report.sample, run.vocabulary, `After epoch ${report.epoch}`);
    });
    await trainCard.end(stopped);
  } catch (error) {
    trainCard.status('Training stopped with an error.');
    showAlert(trainAlerts, 'error', 'Training failed', errorMessage(error));
  } finally {
    setTraining(false);
  }
}

trainButton.addEventListener('click', () => void train());
stopButton.addEventListener('click', () => {
  worker.stop();
  stopButton.disabled = true;
  trainCard.status('Stopping after the epoch that is running…');
});

sampleCard.onResample(() => {
  if (!model) return;
  const { vocabulary } = model.run;
  const request = sampleCard.request(vocabulary);
  if (!request) return;
  latestSample = request;
  const ticket = sampleCard.asked();
  sampleCard.status(training ? 'Sampling between two epochs…' : 'Sampling…');
  worker.sample(request).then(
    (tokens) => sampleCard.show(ticket, request, tokens, vocabulary, 'Sampled again'),
    (error: unknown) => sampleCard.status(`Sampling failed: ${errorMessage(error)}`),
  );
});
