/**
 * Step 3: the trainer (tfjs's model.fit with the fused layer, or the standalone WebGPU trainer), the
 * epochs, the Train button, a progress bar, the live loss chart, and each trainer's last time per
 * epoch side by side (for the cell chosen). A trainer that cannot train the chosen cell is offered
 * disabled, with its reason.
 */
import type { SeedCell } from 'webgpu-rnn/tfjs';
import { clearAlerts, errorMessage, showAlert } from '../common/alerts.js';
import { createLiveLossChart, type LiveLossChart } from '../common/charts/live-loss-chart.js';
import { byId, h, markInvalid } from '../common/dom.js';
import { formatLoss, formatMs, formatNumber } from '../common/format.js';
import { CELLS } from './cells.js';
import type { SeedData } from './seed-data.js';
import type { TrainedModel, Trainer } from './trainer.js';

const MAX_EPOCHS = 5000;

export interface TrainStep {
  readonly button: HTMLButtonElement;
  /** The trainer chosen for the next run. */
  trainer(): Trainer;
  /** Offers the trainers that can train this cell (asking each), and describes the run for it. */
  setCell(cell: SeedCell): Promise<void>;
  /** The epochs field as a number, or null (and the field marked) when it is not 1 to 5000. */
  epochs(): number | null;
  /** Trains, drawing progress; null when training failed (the step shows the error). */
  train(data: SeedData, cell: SeedCell, epochs: number): Promise<TrainedModel | null>;
}

export function createTrainStep(trainers: readonly Trainer[], backendName: string): TrainStep {
  const button = byId('train-button', HTMLButtonElement);
  const choice = byId('trainer', HTMLSelectElement);
  const note = byId('trainer-note', HTMLParagraphElement);
  const times = byId('train-times', HTMLParagraphElement);
  const epochsInput = byId('epochs', HTMLInputElement);
  const progress = byId('train-progress', HTMLProgressElement);
  const status = byId('train-status', HTMLParagraphElement);
  const figures = byId('train-figures', HTMLDListElement);
  const chartBox = byId('loss-chart', HTMLDivElement);
  const alerts = byId('train-alerts', HTMLDivElement);
  let chart: LiveLossChart | null = null;
  const msPerEpoch = new Map<Trainer, number>();

  let cell: SeedCell = 'simpleRNN';
  const options = trainers.map((t, i) => h('option', { value: String(i) }, t.label));
  choice.replaceChildren(...options);
  const chosen = () => trainers[Number(choice.value)] ?? trainers[0]!;
  const describe = () =>
    byId('train-engine', HTMLParagraphElement).replaceChildren(
      'Trains with ',
      h('strong', {}, chosen().describe(cell)),
      ` on ${backendName}, from seeded initial weights; then predicts and runs the CPU check.`,
    );
  choice.addEventListener('change', describe);
  choice.dataset.cell = cell;
  describe();

  function showTimes(): void {
    const runs = [...msPerEpoch].sort(([, a], [, b]) => b - a);
    const parts = runs.map(([t, ms]) => `${t.label} ${formatMs(ms)}`);
    const [slowest, fastest] = [runs[0]!, runs.at(-1)!];
    const ratio = runs.length > 1 ? `: ${fastest[0].label} is ${formatNumber(slowest[1] / fastest[1], 0)}× faster` : '';
    times.textContent =
      "Time per epoch once warm (the first epoch, or submission, compiles the kernels), each trainer's last run: " +
      `${parts.join(' · ')}${ratio}.`;
    times.hidden = false;
  }

  function showFigures({ loss, msPerEpoch, trainingMs }: TrainedModel): void {
    const figure = (label: string, value: string, unit = '') =>
      h('div', {}, h('dt', {}, label), h('dd', {}, value, unit ? h('small', {}, ` ${unit}`) : ''));
    figures.dataset.firstLoss = String(loss[0]);
    figures.dataset.finalLoss = String(loss.at(-1));
    figures.replaceChildren(
      figure('First epoch loss', formatLoss(loss[0]!)),
      figure('Final loss', formatLoss(loss.at(-1)!)),
      figure('Time per epoch, warm', formatMs(msPerEpoch)),
      figure('Training time, all', formatNumber(trainingMs / 1000, 2), 's'),
    );
    figures.hidden = false;
  }

  return {
    button,
    trainer: chosen,
    async setCell(next) {
      cell = next;
      // Times compare trainers on one cell.
      msPerEpoch.clear();
      times.hidden = true;
      const reasons = await Promise.all(trainers.map((t) => t.unavailable(next)));
      if (cell !== next) return;
      const notes: string[] = [];
      trainers.forEach((t, i) => {
        const option = options[i]!;
        const reason = reasons[i];
        option.disabled = reason !== null;
        option.textContent = reason === null ? t.label : `${t.label} (not available for ${CELLS[next].name})`;
        if (reason === null) delete option.dataset.unavailable;
        else {
          option.dataset.unavailable = reason!;
          notes.push(`${t.label} cannot train ${CELLS[next].name} yet: asked, it answers “${reason}”.`);
        }
      });
      note.textContent = notes.join(' ');
      note.hidden = notes.length === 0;
      if (options[Number(choice.value)]?.disabled) choice.value = String(reasons.findIndex((r) => r === null));
      // The choices are settled for this cell (tests wait for it).
      choice.dataset.cell = next;
      describe();
    },
    epochs() {
      const epochs = Number(epochsInput.value);
      const valid = Number.isInteger(epochs) && epochs >= 1 && epochs <= MAX_EPOCHS;
      markInvalid(epochsInput, !valid);
      if (!valid) status.textContent = `Epochs must be a whole number from 1 to ${MAX_EPOCHS}.`;
      return valid ? epochs : null;
    },
    async train(data, trainedCell, epochs) {
      clearAlerts(alerts);
      figures.hidden = true;
      progress.max = epochs;
      progress.value = 0;
      status.textContent = 'Building the model and running the first epoch, which also compiles the kernels…';
      chart?.finalize();
      const live = createLiveLossChart(chartBox, epochs);
      chart = live;
      const trainer = chosen();
      try {
        const trained = await trainer.train(data, trainedCell, epochs, async ({ epoch, loss, ms }) => {
          progress.value = epoch;
          status.textContent = `Epoch ${epoch} of ${epochs} · loss ${formatLoss(loss)} · ${formatMs(ms)} this epoch`;
          await live.add(epoch, loss);
        });
        await live.flush();
        status.textContent =
          `Trained ${epochs} epochs: the loss went from ${formatLoss(trained.loss[0]!)} ` +
          `to ${formatLoss(trained.loss.at(-1)!)}.`;
        showFigures(trained);
        msPerEpoch.set(trainer, trained.msPerEpoch);
        showTimes();
        return trained;
      } catch (error) {
        status.textContent = 'Training stopped with an error.';
        showAlert(alerts, 'error', 'Training failed', errorMessage(error));
        return null;
      }
    },
  };
}
