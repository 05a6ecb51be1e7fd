/**
 * Two runs' training loss on one chart. They should coincide, so the first is a wide pale line and
 * the second a dashed one drawn over it: both stay visible where they agree.
 */
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, EMBED_OPTIONS, SERIES_COLORS } from './chart-style.js';

export interface LossSeries {
  readonly name: string;
  readonly loss: readonly number[];
}

export async function renderLossComparison(
  container: HTMLElement,
  [run, reference]: readonly [LossSeries, LossSeries],
): Promise<Result> {
  const values = [run, reference].flatMap(({ name, loss }) =>
    loss.map((l, i) => ({ run: name, epoch: i + 1, loss: l })),
  );
  const only = (name: string) => [{ filter: { field: 'run', equal: name } }];
  const spec: TopLevelSpec = {
    ...chartFrame(260),
    data: { values },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        scale: { domain: [1, Math.max(2, run.loss.length)] },
        axis: { tickMinStep: 1, tickCount: 10 },
      },
      y: { field: 'loss', type: 'quantitative', title: 'loss (mean squared error, log scale)', scale: { type: 'log' } },
      color: {
        field: 'run',
        type: 'nominal',
        scale: { domain: [run.name, reference.name], range: SERIES_COLORS.slice(0, 2) },
        legend: { title: null, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 },
      },
      tooltip: [
        { field: 'run', type: 'nominal', title: 'run' },
        { field: 'epoch', type: 'quantitative', title: 'epoch' },
        { field: 'loss', type: 'quantitative', title: 'loss', format: ',.4f' },
      ],
    },
    layer: [
      { transform: only(run.name), mark: { type: 'line', strokeWidth: 6, opacity: 0.35 } },
      { transform: only(reference.name), mark: { type: 'line', strokeWidth: 2, strokeDash: [6, 4] } },
    ],
  };
  return embed(container, spec, EMBED_OPTIONS);
}
