/** What every chart on the pages shares: the page's font and colours, and vega-embed's options. */
import type { EmbedOptions } from 'vega-embed';
import type { Config, TopLevelSpec } from 'vega-lite';

export const SERIES_COLORS = ['#2f5fd0', '#e07a1f', '#8c96a5'];

export const CHART_CONFIG: Config = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  background: 'transparent',
  view: { stroke: null },
  axis: {
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 600,
    titleColor: '#5a6372',
    labelColor: '#5a6372',
    gridColor: '#eceef2',
    domainColor: '#c9ced6',
    tickColor: '#c9ced6',
  },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'top', direction: 'horizontal', labelLimit: 360 },
  title: { fontSize: 14, fontWeight: 600, anchor: 'start', color: '#1c2230' },
};

/** The frame of every chart: the container's width, the page's style. */
export function chartFrame(height: number) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: CHART_CONFIG,
  } satisfies Partial<TopLevelSpec> & { width: 'container'; height: number };
}

/** Export as SVG or PNG is useful; links to an online editor are not. */
export const EMBED_OPTIONS: EmbedOptions = {
  renderer: 'svg',
  actions: { export: true, source: false, compiled: false, editor: false },
};
