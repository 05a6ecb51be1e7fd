/**
 * Step 5: the CPU check. The stock layer, from the same initial weights, trains on tfjs's cpu
 * backend; a table compares final loss, prediction, the largest per-epoch loss difference and time
 * per epoch, a verdict says PASS or FAIL against the stated tolerance, and one chart shows both curves.
 */
import type { SeedCell } from 'webgpu-rnn/tfjs';
import type { Result } from 'vega-embed';
import { clearAlerts, errorMessage, showAlert } from '../common/alerts.js';
import { renderLossComparison } from '../common/charts/loss-comparison-chart.js';
import { byId, h } from '../common/dom.js';
import { formatLoss, formatMs, formatScientific, formatVector } from '../common/format.js';
import { CELLS } from './cells.js';
import { compareRuns, TOLERANCE, type Comparison } from './compare-runs.js';
import { trainStockOnCPU, type ReferenceRun } from './cpu-reference.js';
import type { SeedData } from './seed-data.js';
import type { TrainedModel } from './trainer.js';

const referenceLabel = (cell: SeedCell) => `cpu · stock ${CELLS[cell].stock}`;

export interface CheckInput {
  /** Names the run under test, e.g. "webgpu · tfjs model.fit · fused layer". */
  readonly runLabel: string;
  readonly data: SeedData;
  readonly cell: SeedCell;
  readonly epochs: number;
  readonly probe: readonly number[];
  readonly trained: TrainedModel;
  readonly prediction: readonly number[];
}

/** The verdict's figures, and the stock layer's time per epoch on cpu, warm. */
export type CheckResult = Comparison & { readonly cpuMsPerEpoch: number };

export interface CheckStep {
  /** Clears the last check: a new model is training; describes the check for this cell. */
  reset(cell?: SeedCell): void;
  /** Runs the check and shows it; null when it could not run (the step shows the error). */
  run(input: CheckInput): Promise<CheckResult | null>;
}

export function createCheckStep(): CheckStep {
  const progress = byId('check-progress', HTMLProgressElement);
  const status = byId('check-status', HTMLParagraphElement);
  const verdict = byId('check-verdict', HTMLDivElement);
  const table = byId('check-table', HTMLTableElement);
  const chart = byId('check-chart', HTMLDivElement);
  const alerts = byId('check-alerts', HTMLDivElement);
  const tolerance = `< ${formatScientific(TOLERANCE)}`;
  let drawn: Result | null = null;

  const hint = byId('check-hint', HTMLParagraphElement);
  const describe = (cell: SeedCell) =>
    (hint.textContent =
      `The stock ${CELLS[cell].stock} twin of the model, from the same initial weights, ` +
      "trained for the same epochs on tfjs's cpu backend. " +
      "PASS when the largest per-epoch relative loss difference and the prediction's relative difference " +
      `are both ${tolerance}.`);
  describe('simpleRNN');

  function showTable(input: CheckInput, reference: ReferenceRun, comparison: Comparison): void {
    const finalRun = input.trained.loss.at(-1)!;
    const finalReference = reference.loss.at(-1)!;
    const row = (label: string, run: string, ref: string, difference: string, limit: string) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, label),
        ...[run, ref, difference, limit].map((text) => h('td', { class: 'number' }, text)),
      );
    table.tHead!.rows[0]!.replaceChildren(
      ...['', input.runLabel, referenceLabel(input.cell), 'relative difference', 'tolerance'].map((text, i) =>
        h('th', i === 0 ? {} : { class: 'number' }, text),
      ),
    );
    table.tBodies[0]!.replaceChildren(
      row(
        'Final loss',
        formatLoss(finalRun),
        formatLoss(finalReference),
        formatScientific(Math.abs(finalRun - finalReference) / Math.abs(finalReference)),
        '',
      ),
      row('Largest per-epoch loss difference', '', '', formatScientific(comparison.lossDifference), tolerance),
      row(
        'Prediction',
        formatVector(input.prediction, 4),
        formatVector(reference.prediction, 4),
        formatScientific(comparison.predictionDifference),
        tolerance,
      ),
      row('Time per epoch, warm', formatMs(input.trained.msPerEpoch), formatMs(reference.msPerEpoch), '', ''),
    );
    table.hidden = false;
  }

  function showVerdict(
    runLabel: string,
    cell: SeedCell,
    { pass, lossDifference, predictionDifference }: Comparison,
  ): void {
    const word = pass ? 'PASS' : 'FAIL';
    verdict.className = `verdict ${pass ? 'pass' : 'fail'}`;
    verdict.dataset.verdict = word;
    verdict.replaceChildren(
      h('span', { class: 'badge' }, word),
      h(
        'span',
        {},
        `${runLabel} ${pass ? 'matches' : 'does not match'} ${referenceLabel(cell)}: ` +
          `largest per-epoch loss difference ${formatScientific(lossDifference)}, ` +
          `prediction difference ${formatScientific(predictionDifference)} ` +
          `(relative; tolerance ${formatScientific(TOLERANCE)}).`,
      ),
    );
    verdict.hidden = false;
  }

  function reset(cell?: SeedCell): void {
    if (cell) describe(cell);
    clearAlerts(alerts);
    verdict.hidden = true;
    delete verdict.dataset.verdict;
    table.hidden = true;
    drawn?.finalize();
    drawn = null;
    chart.replaceChildren();
    progress.value = 0;
    status.textContent = 'Runs after training.';
  }

  return {
    reset,
    async run(input) {
      reset(input.cell);
      progress.max = input.epochs;
      progress.value = 0;
      try {
        const reference = await trainStockOnCPU(
          input.data,
          input.cell,
          input.trained.initialWeights,
          input.epochs,
          input.probe,
          ({ epoch, epochs, loss }) => {
            progress.value = epoch;
            status.textContent =
              `Training the stock layer on the cpu backend: epoch ${epoch} of ${epochs} · ` +
              `loss ${formatLoss(loss)}`;
          },
        );
        const comparison = compareRuns({ loss: input.trained.loss, prediction: input.prediction }, reference);
        status.textContent =
          `Trained the stock layer for ${input.epochs} epochs on the cpu backend ` + 'from the same initial weights.';
        showVerdict(input.runLabel, input.cell, comparison);
        showTable(input, reference, comparison);
        drawn = await renderLossComparison(chart, [
          { name: input.runLabel, loss: input.trained.loss },
          { name: referenceLabel(input.cell), loss: reference.loss },
        ]);
        return { ...comparison, cpuMsPerEpoch: reference.msPerEpoch };
      } catch (error) {
        status.textContent = 'The check stopped with an error.';
        showAlert(alerts, 'error', 'The CPU check failed to run', errorMessage(error));
        return null;
      }
    },
  };
}
