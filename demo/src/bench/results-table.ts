/** The results as a table: median wall-clock and GPU time per call, and the fused kernels' speed-up. */
import { h } from '../common/dom.js';
import { formatMs, formatRatio } from '../common/format.js';
import type { BenchResult, PassTiming } from './bench-result.js';

const NOT_MEASURED = '—';

function timeCell(ms: number | null): HTMLTableCellElement {
  if (ms === null)
    return h('td', { class: 'number muted', title: 'not measured: no GPU timestamps here' }, NOT_MEASURED);
  return h('td', { class: 'number', 'data-ms': String(ms) }, formatMs(ms));
}

export function renderResultsTable(table: HTMLTableElement, result: BenchResult): void {
  const fused = result.implementations.find((i) => i.id === 'fused-webgpu')?.timings ?? null;
  const speedUp = (timing: PassTiming, pass: 'forward' | 'forwardBackward') => {
    if (!fused) return h('td', { class: 'number muted' }, NOT_MEASURED);
    const ratio = timing.wallMs / fused[pass].wallMs;
    return h('td', { class: 'number' }, timing === fused[pass] ? 'baseline' : formatRatio(ratio));
  };
  table.tBodies[0]!.replaceChildren(
    ...result.implementations.map(({ id, label, timings, skipped }) => {
      const name = h('th', { scope: 'row' }, label);
      if (!timings)
        return h(
          'tr',
          { 'data-implementation': id },
          name,
          h('td', { colspan: '6', class: 'muted' }, `not run: ${skipped ?? 'unknown reason'}`),
        );
      const { forward, forwardBackward } = timings;
      return h(
        'tr',
        { 'data-implementation': id },
        name,
        timeCell(forward.wallMs),
        timeCell(forward.gpuMs),
        timeCell(forwardBackward.wallMs),
        timeCell(forwardBackward.gpuMs),
        speedUp(forward, 'forward'),
        speedUp(forwardBackward, 'forwardBackward'),
      );
    }),
  );
  table.hidden = false;
}
