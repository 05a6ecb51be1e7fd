/**
 * Step 6: what an epoch's time is made of. After a model.fit run on webgpu and its CPU check, the trained
 * model and tfjs's floor (tfjs-floor.ts) are timed taking turns, with no drawing between epochs, as
 * `npm run bench:seed` times them, and the standalone trainer trains the same model, data, initial weights and
 * epochs. A table then splits model.fit's epoch into the fused layer's share (the epoch minus the floor) and
 * the floor, beside cpu's epoch and the trainer's, each with how it was measured, under one sentence that says
 * what they show.
 */
import type { SeedCell } from 'webgpu-rnn/tfjs';
import { clearAlerts, errorMessage, showAlert } from '../common/alerts.js';
import { byId, h } from '../common/dom.js';
import { formatMs, formatNumber } from '../common/format.js';
import { CELLS } from './cells.js';
import type { SeedData } from './seed-data.js';
import { floorModel } from './tfjs-floor.js';
import type { Trainer } from './trainer.js';

// model.fit and the floor take turns for this many rounds of this many epochs; each one's median round.
const ROUNDS = 3;
const EPOCHS_PER_ROUND = 10;

export interface BreakdownInput {
  readonly data: SeedData;
  readonly cell: SeedCell;
  /** The run's epochs, which the standalone trainer trains too (its first submissions are slower). */
  readonly epochs: number;
  /** The trained model's TrainedModel.timeEpochs. */
  readonly timeFit: (epochs: number) => Promise<number>;
  /** The stock layer on cpu, from the CPU check: ms per epoch, warm. */
  readonly cpuMs: number;
}

interface Figures {
  readonly fitMs: number;
  readonly floorMs: number;
  readonly cpuMs: number;
  /** The standalone trainer's ms per epoch, or its refusal of the cell in its own words. */
  readonly trainer: number | string;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface BreakdownStep {
  /** Clears the last breakdown: a new model is training. */
  reset(): void;
  run(input: BreakdownInput): Promise<void>;
}

export function createBreakdownStep(standalone: Trainer): BreakdownStep {
  const status = byId('breakdown-status', HTMLParagraphElement);
  const summary = byId('breakdown-summary', HTMLParagraphElement);
  const table = byId('breakdown-table', HTMLTableElement);
  const alerts = byId('breakdown-alerts', HTMLDivElement);

  function reset(): void {
    clearAlerts(alerts);
    summary.hidden = true;
    table.hidden = true;
    delete table.dataset.done;
    status.textContent = "Runs after a training run with tfjs's model.fit on webgpu, and its CPU check.";
  }
  reset();

  /** model.fit's epoch and the floor's, in turns, so that drift on a shared machine touches both alike. */
  async function fitAndFloor({ data, timeFit }: BreakdownInput): Promise<{ fitMs: number; floorMs: number }> {
    const floor = floorModel(data);
    try {
      const fit: number[] = [];
      const floorMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        fit.push(await timeFit(EPOCHS_PER_ROUND));
        floorMs.push(await floor.timeEpochs(EPOCHS_PER_ROUND));
      }
      return { fitMs: median(fit), floorMs: median(floorMs) };
    } finally {
      floor.dispose();
    }
  }

  async function trainerMs({ data, cell, epochs }: BreakdownInput): Promise<number | string> {
    const refusal = await standalone.unavailable(cell);
    if (refusal !== null) return refusal;
    const trained = await standalone.train(data, cell, epochs, () => undefined);
    trained.dispose();
    return trained.msPerEpoch;
  }

  function show({ data, cell }: BreakdownInput, { fitMs, floorMs, cpuMs, trainer }: Figures): void {
    const name = CELLS[cell].name;
    const shareMs = fitMs - floorMs;
    // Shares of the epoch, where the floor is below it (else the split is within noise).
    const percent = (ms: number) => (shareMs > 0 ? ` (${formatNumber((100 * ms) / fitMs, 0)}%)` : '');
    const row = (label: string, ms: number | null, shown: string, how: string, key: string) =>
      h(
        'tr',
        ms === null ? { 'data-row': key } : { 'data-row': key, 'data-ms': String(ms) },
        h('th', { scope: 'row' }, label),
        h('td', { class: 'number' }, shown),
        h('td', { class: 'how' }, how),
      );
    table.tBodies[0]!.replaceChildren(
      row(
        `model.fit · fused ${name}, webgpu`,
        fitMs,
        formatMs(fitMs),
        `The model trained above, ${ROUNDS} rounds of ${EPOCHS_PER_ROUND} more epochs taking turns with the ` +
          "floor's, its weights put back after; the median round, each round's first epoch left out.",
        'fit',
      ),
      row(
        `↳ the fused ${name}'s kernels`,
        shareMs,
        shareMs > 0 ? `${formatMs(shareMs)}${percent(shareMs)}` : 'within noise',
        'That epoch minus the floor below, as npm run bench:seed computes it.',
        'layer',
      ),
      row(
        "↳ tfjs's floor",
        floorMs,
        `${formatMs(floorMs)}${percent(floorMs)}`,
        `model.fit of the Dense(${data.nSteps}) head alone on the layer's output shape, same Adam, MSE and ` +
          'batch, timed as the row above.',
        'floor',
      ),
      row(
        `model.fit · stock ${name}, cpu`,
        cpuMs,
        formatMs(cpuMs),
        'The CPU check above, timed as the training run.',
        'cpu',
      ),
      row(
        `${standalone.label}, webgpu`,
        typeof trainer === 'number' ? trainer : null,
        typeof trainer === 'number' ? formatMs(trainer) : 'not available',
        typeof trainer === 'number'
          ? 'trainer.fit of the same model, data, initial weights and epochs, in submissions of 10 epochs, ' +
              'the first left out.'
          : `It cannot train ${name} yet: “${trainer}”.`,
        'trainer',
      ),
    );
    summary.textContent = sentence(name, { fitMs, floorMs, cpuMs, trainer });
    summary.hidden = false;
    table.hidden = false;
    table.dataset.done = 'true';
  }

  return {
    reset,
    async run(input) {
      reset();
      try {
        status.textContent = `Timing model.fit and tfjs's floor in turns, ${ROUNDS} × ${EPOCHS_PER_ROUND} epochs…`;
        const { fitMs, floorMs } = await fitAndFloor(input);
        status.textContent = `Timing ${standalone.label} on the same model and data: ${input.epochs} epochs…`;
        const trainer = await trainerMs(input);
        status.textContent = 'Time per epoch once warm.';
        show(input, { fitMs, floorMs, cpuMs: input.cpuMs, trainer });
      } catch (error) {
        status.textContent = 'The breakdown stopped with an error.';
        showAlert(alerts, 'error', 'Measuring the breakdown failed', errorMessage(error));
      }
    },
  };
}

/** What the figures show, in one sentence that stays true whichever part dominates. */
function sentence(name: string, { fitMs, floorMs, cpuMs, trainer }: Figures): string {
  const shareMs = fitMs - floorMs;
  const split =
    shareMs > 0
      ? `the fused ${name}'s kernels take ${formatMs(shareMs)} of model.fit's ${formatMs(fitMs)} per epoch on ` +
        `webgpu and tfjs's floor ${formatMs(floorMs)}`
      : `tfjs's floor alone takes as long as model.fit's whole epoch on webgpu (${formatMs(fitMs)}), ` +
        `leaving the fused ${name}'s kernels too little to tell apart`;
  const lead =
    floorMs >= fitMs / 2
      ? `At this size tfjs's own per-batch work dominates: ${split}`
      : `Here the fused ${name} outweighs tfjs's own per-batch work: ${split}`;
  const slower = floorMs >= cpuMs ? `, more than cpu's whole epoch (${formatMs(cpuMs)})` : '';
  const kernels =
    typeof trainer === 'number'
      ? `; the standalone trainer, with no tfjs, trains the same model in ${formatMs(trainer)} per epoch: ` +
        'what the kernels themselves cost.'
      : '.';
  return `${lead}${slower}${kernels}`;
}
