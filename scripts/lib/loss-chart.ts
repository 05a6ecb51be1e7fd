// The loss curves as an SVG file, drawn by Vega-Lite (rendered headless, no canvas needed).
import * as vega from 'vega';
import * as vl from 'vega-lite';

export async function lossChartSVG(series: { name: string; loss: number[] }[]): Promise<string> {
  const values = series.flatMap(({ name, loss }) => loss.map((l, i) => ({ run: name, epoch: i + 1, loss: l })));
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Seed model: training loss (MSE) per epoch',
    width: 640,
    height: 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'loss (log scale)' },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'top-right', labelLimit: 400 } },
      strokeDash: { field: 'run', type: 'nominal', title: null, legend: { orient: 'top-right', labelLimit: 400 } },
    },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
