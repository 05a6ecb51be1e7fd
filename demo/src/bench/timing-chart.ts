/** The results as grouped bars: median wall-clock time per call, per pass and implementation, on a log axis. */
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, EMBED_OPTIONS, SERIES_COLORS } from '../common/charts/chart-style.js';
import { formatMs } from '../common/format.js';
import type { BenchResult, ImplementationId } from './bench-result.js';

/** Each implementation keeps its colour whichever of them ran. */
const COLORS: Record<ImplementationId, string> = {
  'fused-webgpu': SERIES_COLORS[0]!,
  'stock-webgpu': SERIES_COLORS[1]!,
  'stock-cpu': SERIES_COLORS[2]!,
};

/** Draws into `container`; the caller finalizes the returned chart before drawing another there. */
export async function renderTimingChart(container: HTMLElement, result: BenchResult): Promise<Result> {
  const ran = result.implementations.flatMap(({ id, label, timings }) => (timings ? [{ id, label, timings }] : []));
  const names = ran.map((i) => i.label);
  const colors = ran.map((i) => COLORS[i.id]);
  const values = ran.flatMap(({ label, timings }) =>
    (['forward', 'forwardBackward'] as const).map((pass) => ({
      implementation: label,
      pass: pass === 'forward' ? 'forward' : 'forward + backward',
      ms: timings[pass].wallMs,
      text: formatMs(timings[pass].wallMs),
    })),
  );
  const spec: TopLevelSpec = {
    ...chartFrame(280),
    data: { values },
    encoding: {
      x: {
        field: 'pass',
        type: 'nominal',
        title: null,
        sort: ['forward', 'forward + backward'],
        axis: { labelAngle: 0, labelFontSize: 13 },
      },
      xOffset: { field: 'implementation', type: 'nominal', sort: names },
      // Times span orders of magnitude: a log axis keeps the fast bars visible
      // (and bars on it must not stack from zero).
      y: {
        field: 'ms',
        type: 'quantitative',
        title: 'median time per call (ms, log scale)',
        scale: { type: 'log' },
        stack: null,
      },
      color: {
        field: 'implementation',
        type: 'nominal',
        sort: names,
        scale: { domain: names, range: colors },
        legend: { title: null },
      },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3 },
        encoding: { tooltip: [{ field: 'implementation' }, { field: 'pass' }, { field: 'text', title: 'median' }] },
      },
      {
        mark: { type: 'text', dy: -7, fontSize: 11 },
        encoding: { text: { field: 'text' }, color: { value: '#1c2230' } },
      },
    ],
  };
  return embed(container, spec, EMBED_OPTIONS);
}
