/**
 * The notebook page: the seed notebook's steps in order, each in its own card. This entry starts
 * tfjs, then runs Train → Predict → CPU check (→ what a model.fit epoch is made of) when the Train
 * button is pressed.
 */
import { renderAdapterLine } from './common/adapter-line.js';
import { reportUncaughtErrors, showAlert } from './common/alerts.js';
import { startBackend } from './common/backend.js';
import { reportDeviceLoss } from './common/device-loss.js';
import { byId, lockControls } from './common/dom.js';
import { createBreakdownStep } from './notebook/breakdown-step.js';
import { CELLS } from './notebook/cells.js';
import { createCheckStep } from './notebook/check-step.js';
import { fusedLayerTrainer } from './notebook/fused-layer-trainer.js';
import { createModelStep } from './notebook/model-step.js';
import { createPredictStep } from './notebook/predict-step.js';
import { createSequenceStep } from './notebook/sequence-step.js';
import { standaloneTrainer } from './notebook/standalone-trainer.js';
import { createTrainStep } from './notebook/train-step.js';
import type { TrainedModel } from './notebook/trainer.js';

const pageAlerts = byId('page-alerts', HTMLDivElement);
reportUncaughtErrors(pageAlerts);

const sequenceStep = createSequenceStep();
const predictStep = createPredictStep();

const backend = await startBackend();
renderAdapterLine(byId('adapter', HTMLParagraphElement), backend);
if (backend.name === 'webgpu') {
  reportDeviceLoss(backend.device, pageAlerts);
} else {
  showAlert(
    pageAlerts,
    'warning',
    "No WebGPU here: the page runs on tfjs's cpu backend",
    `${backend.whyNoWebGPU} The fused layer trains with its CPU version, ` +
      'and the check still compares it with the stock layer.',
  );
}

const modelStep = createModelStep();
// The standalone trainer runs on the WebGPU device itself; without one, only tfjs's path is offered, and
// there is no epoch on webgpu to break down.
const standalone = backend.name === 'webgpu' ? standaloneTrainer(backend.device) : null;
const trainers = standalone ? [fusedLayerTrainer, standalone] : [fusedLayerTrainer];
const trainStep = createTrainStep(trainers, backend.name === 'webgpu' ? "tfjs's webgpu device" : "tfjs's cpu backend");
const checkStep = createCheckStep();
const breakdownStep = standalone && createBreakdownStep(standalone);
if (!breakdownStep) byId('breakdown-status', HTMLParagraphElement).textContent = 'Needs WebGPU.';

function onData(): void {
  const data = sequenceStep.data;
  trainStep.button.disabled = data === null;
  if (!data) return;
  modelStep.show(data);
  predictStep.follow(data);
}
sequenceStep.onChange(onData);
onData();
modelStep.onCellChange((cell) => {
  onData();
  checkStep.reset(cell);
  void trainStep.setCell(cell);
});

let trained: TrainedModel | null = null;

async function trainPredictCheck(): Promise<void> {
  const data = sequenceStep.data;
  const epochs = trainStep.epochs();
  const probe = data && predictStep.probe(data.seqLen);
  if (!data || epochs === null || !probe) return;
  lockControls(true);
  try {
    const cell = modelStep.cell();
    predictStep.use(null, data.seqLen);
    checkStep.reset(cell);
    breakdownStep?.reset();
    trained?.dispose();
    const trainer = trainStep.trainer();
    trained = await trainStep.train(data, cell, epochs);
    if (!trained) return;
    predictStep.use(trained, data.seqLen);
    const prediction = await predictStep.predict();
    if (!prediction) return;
    const checked = await checkStep.run({
      runLabel: `${backend.name} · ${trainer.label} · ${CELLS[cell].name}`,
      data,
      cell,
      epochs,
      probe,
      trained,
      prediction,
    });
    // The breakdown is of model.fit's epoch; a run of the standalone trainer shows its time in step 3.
    const timeFit = trained.timeEpochs;
    if (checked && breakdownStep && timeFit)
      await breakdownStep.run({ data, cell, epochs, timeFit, cpuMs: checked.cpuMsPerEpoch });
  } finally {
    lockControls(false);
  }
}

trainStep.button.addEventListener('click', () => void trainPredictCheck());
