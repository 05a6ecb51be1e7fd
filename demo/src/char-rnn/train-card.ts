/**
 * Step 3's output: progress, the status line, the figures (epoch, loss, characters per second)
 * and the live loss chart, epoch by epoch.
 */
import { createLiveLossChart, type LiveLossChart } from '../common/charts/live-loss-chart.js';
import { byId, h } from '../common/dom.js';
import { formatCount, formatLoss, formatNumber } from '../common/format.js';
import type { EpochReport } from './protocol.js';
import { createThroughput, type Throughput } from './throughput.js';

export interface TrainCard {
  /** A new run: clears the last one's figures and chart. */
  begin(epochs: number, charactersPerEpoch: number): void;
  status(text: string): void;
  epoch(report: EpochReport): Promise<void>;
  /** Says how the run ended (and marks it: data-done is 'finished' or 'stopped'). */
  end(stopped: boolean): Promise<void>;
}

export function createTrainCard(): TrainCard {
  const progress = byId('train-progress', HTMLProgressElement);
  const statusLine = byId('train-status', HTMLParagraphElement);
  const figures = byId('train-figures', HTMLDListElement);
  const chartBox = byId('loss-chart', HTMLDivElement);
  let chart: LiveLossChart | null = null;
  let throughput: Throughput | null = null;
  let losses: number[] = [];
  let epochs = 0;

  const figure = (label: string, value: string, unit = '') =>
    h('div', {}, h('dt', {}, label), h('dd', {}, value, unit ? h('small', {}, ` ${unit}`) : ''));

  function showFigures(epoch: number, perSecond: number): void {
    const mean = throughput!.mean();
    figures.dataset.epochs = String(losses.length);
    figures.dataset.firstLoss = String(losses[0]);
    figures.dataset.finalLoss = String(losses.at(-1));
    figures.dataset.charactersPerSecond = String(mean);
    figures.replaceChildren(
      figure('Epoch', formatCount(epoch), `of ${formatCount(epochs)}`),
      figure('Loss', formatLoss(losses.at(-1)!), `first ${formatLoss(losses[0]!)}`),
      figure('Characters per second', formatCount(perSecond), 'this epoch'),
      figure(
        'Characters per second',
        formatCount(mean),
        losses.length > 1 ? 'mean, after the first epoch' : 'the first epoch also compiles',
      ),
    );
    figures.hidden = false;
  }

  return {
    begin(total, charactersPerEpoch) {
      epochs = total;
      losses = [];
      throughput = createThroughput(charactersPerEpoch);
      progress.max = total;
      progress.value = 0;
      delete statusLine.dataset.done;
      figures.hidden = true;
      chart?.finalize();
      chart = createLiveLossChart(chartBox, total, 'loss (cross-entropy per character)');
    },
    status(text) {
      statusLine.textContent = text;
    },
    async epoch({ epoch, loss, ms }) {
      losses.push(loss);
      const perSecond = throughput!.add(ms);
      progress.value = epoch;
      statusLine.textContent =
        `Epoch ${epoch} of ${epochs} · loss ${formatLoss(loss)} · ${formatNumber(ms / 1000, 1)} s · ` +
        `${formatCount(perSecond)} characters/s`;
      showFigures(epoch, perSecond);
      await chart!.add(epoch, loss);
    },
    async end(stopped) {
      await chart?.flush();
      const trained = losses.length;
      const summary =
        trained === 0
          ? 'no epoch finished'
          : `the loss went from ${formatLoss(losses[0]!)} to ${formatLoss(losses.at(-1)!)}`;
      statusLine.textContent = `${stopped ? 'Stopped' : 'Done'} after ${trained} of ${epochs} epochs: ${summary}.`;
      statusLine.dataset.done = stopped ? 'stopped' : 'finished';
    },
  };
}
