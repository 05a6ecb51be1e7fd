/**
 * The training loss as it comes: each epoch's point is inserted into the running vega View, so
 * nothing else on the page is redrawn. Points arriving faster than ten a second are drawn together,
 * so a fast GPU's short epochs do not wait on drawing.
 */
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, EMBED_OPTIONS, SERIES_COLORS } from './chart-style.js';

const REDRAW_INTERVAL_MS = 100;

interface Point {
  readonly epoch: number;
  readonly loss: number;
}

export interface LiveLossChart {
  add(epoch: number, loss: number): Promise<void>;
  /** Draws the points still waiting. */
  flush(): Promise<void>;
  finalize(): void;
}

function lossSpec(epochs: number, first: Point, lossTitle: string): TopLevelSpec {
  return {
    ...chartFrame(260),
    // Named, so points can be inserted; it starts with one, as a log scale has no empty domain.
    data: { name: 'loss', values: [first] },
    mark: { type: 'line', strokeWidth: 2, color: SERIES_COLORS[0]! },
    encoding: {
      // The whole run's width from the start, so the line grows instead of the axis rescaling.
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        scale: { domain: [1, Math.max(2, epochs)] },
        axis: { tickMinStep: 1, tickCount: 10 },
      },
      y: { field: 'loss', type: 'quantitative', title: `${lossTitle}, log scale`, scale: { type: 'log' } },
      tooltip: [
        { field: 'epoch', type: 'quantitative', title: 'epoch' },
        { field: 'loss', type: 'quantitative', title: 'loss', format: ',.3f' },
      ],
    },
  };
}

/** The chart appears in `container` with the first point; `lossTitle` names the loss on the y axis. */
export function createLiveLossChart(
  container: HTMLElement,
  epochs: number,
  lossTitle = 'loss (mean squared error)',
): LiveLossChart {
  let result: Result | null = null;
  let pending: Point[] = [];
  let drawn = 0;

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const points = pending;
    pending = [];
    drawn = performance.now();
    if (result) {
      await result.view.insert('loss', points).runAsync();
    } else {
      result = await embed(container, lossSpec(epochs, points[0]!, lossTitle), EMBED_OPTIONS);
      if (points.length > 1) await result.view.insert('loss', points.slice(1)).runAsync();
    }
  }

  return {
    async add(epoch, loss) {
      pending.push({ epoch, loss });
      if (performance.now() - drawn >= REDRAW_INTERVAL_MS) await flush();
    },
    flush,
    finalize() {
      result?.finalize();
      container.replaceChildren();
    },
  };
}
