// npm start: the seed notebook (../shared/seed/simple-rnn-notebook.md) replayed in Node on WebGPU
// with the fused SimpleRNN, then checked against tfjs's cpu backend running the stock layer from
// the same initial weights. `npm start -- --cell lstm` (or gru) puts an LSTM(50) or a GRU(50) in
// the SimpleRNN's place.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { plot } from 'asciichart';
import { splitSequence } from 'webgpu-rnn';
import { buildSeedModel, registerKernels } from 'webgpu-rnn/tfjs';
import { describeAdapter, useTfjsWebGPU } from 'webgpu-rnn/node';
import { lossChartSVG } from './lib/loss-chart.js';
import { trainWithProgress, type TrainingRun } from './lib/train.js';

const RAW_SEQUENCE = [10, 20, 30, 40, 50, 60, 70, 80, 90];
const SEQ_LEN = 3;
const N_STEPS = 2;
const EPOCHS = 200;
const SEED = 42;
const PROBE = [70, 80, 90];
// The fused layer on WebGPU against the stock layer on the CPU backend, relative difference.
const TOLERANCE = 1e-3;

/** Each cell's name in Keras, its gates, and its stock layer's factory. */
const CELLS = {
  simpleRNN: { name: 'SimpleRNN', gates: 1, stock: 'tf.layers.simpleRNN' },
  lstm: { name: 'LSTM', gates: 4, stock: 'tf.layers.lstm' },
  gru: { name: 'GRU', gates: 3, stock: 'tf.layers.gru' },
} as const;

function chosenCell(): keyof typeof CELLS {
  const { values } = parseArgs({ options: { cell: { type: 'string', default: 'simpleRNN' } } });
  const cell = values.cell.toLowerCase() === 'simplernn' ? 'simpleRNN' : values.cell.toLowerCase();
  if (!(cell in CELLS)) {
    console.error(`npm start: --cell: expected simpleRNN, lstm or gru; got ${JSON.stringify(values.cell)}`);
    process.exit(2);
  }
  return cell as keyof typeof CELLS;
}

const CELL = chosenCell();
const { name: LAYER, gates: GATES, stock: STOCK } = CELLS[CELL];
const heading = (text: string) => console.log(`\n\x1b[1m${text}\x1b[0m`);
const format = (values: number[]) => `[${values.map((v) => v.toFixed(4)).join(', ')}]`;

const adapter = await useTfjsWebGPU();
registerKernels();
console.log(`WebGPU adapter: ${describeAdapter(adapter)} (tfjs ${tf.version.tfjs}, backend ${tf.getBackend()})`);

heading('1. The sequence, windowed into 3-step inputs and 2-step targets');
const [windows, targets] = splitSequence(RAW_SEQUENCE, SEQ_LEN, N_STEPS);
console.log(`raw sequence ${JSON.stringify(RAW_SEQUENCE)}, seqLen ${SEQ_LEN}, nSteps ${N_STEPS}`);
windows.forEach((w, i) => console.log(`  [${w.join(' ')}] -> [${targets[i]!.join(' ')}]`));
console.log(`X shape (${windows.length}, ${SEQ_LEN}, 1), Y shape (${targets.length}, ${N_STEPS})`);

heading(`2. The model: ${LAYER}(50, relu) + Dense(2), Adam(0.001), mean squared error`);
const fusedModel = buildSeedModel({ fused: true, cell: CELL, seed: SEED });
fusedModel.summary(80, undefined, (line: string) => console.log(`  ${line}`));
const recurrentParams = GATES * (1 + 50) * 50 + GATES * 50;
const gateFactor = GATES > 1 ? `${GATES}·` : '';
console.log(
  `  ${LAYER}: ${gateFactor}((features + units)·units + units) = ` +
    `${gateFactor}((1 + 50)·50 + 50) = ${recurrentParams.toLocaleString('en')}`,
);
console.log(
  `  Dense: outputs·(units + 1) = 2·(50 + 1) = 102          total ${(recurrentParams + 102).toLocaleString('en')}`,
);
const initialWeights = await Promise.all(
  fusedModel.getWeights().map(async (w) => ({ values: await w.data(), shape: w.shape })),
);

const data = () => ({
  x: tf.tensor3d(windows.flat(), [windows.length, SEQ_LEN, 1]),
  y: tf.tensor2d(targets.flat(), [targets.length, N_STEPS]),
  probe: tf.tensor3d(PROBE, [1, SEQ_LEN, 1]),
});

heading(`3. Training ${EPOCHS} epochs with the fused ${LAYER} on WebGPU`);
const fused: TrainingRun = await trainWithProgress(fusedModel, data(), EPOCHS, 'webgpu, fused');
fusedModel.dispose();

heading('4. The loss');
// One column per 4 epochs, so the chart fits a terminal.
const columns = fused.loss.filter((_, i) => i % 4 === 0);
console.log(
  plot(columns.map(Math.log10), { height: 10, format: (v: number) => `${(10 ** v).toPrecision(3).padStart(8)} ` }),
);
console.log(`  ${' '.repeat(9)}epoch 1 ${'─'.repeat(columns.length - 16)} epoch ${EPOCHS}   (loss, log scale)`);
console.log(`  first ${fused.loss[0]!.toFixed(1)}, last ${fused.loss.at(-1)!.toFixed(3)}`);

heading(`5. Prediction for ${JSON.stringify(PROBE)}`);
console.log(
  `  ${format(fused.prediction)}${CELL === 'simpleRNN' ? "   (the notebook's Keras run: [114.02077, 127.01842])" : ''}`,
);

heading(`6. The same model on the CPU backend (stock ${STOCK}, same initial weights)`);
await tf.setBackend('cpu');
const stockModel = buildSeedModel({ fused: false, cell: CELL });
stockModel.setWeights(initialWeights.map((w) => tf.tensor(w.values, w.shape)));
const stock = await trainWithProgress(stockModel, data(), EPOCHS, 'cpu, stock');
stockModel.dispose();

const lossDifference = Math.max(...fused.loss.map((l, i) => Math.abs(l - stock.loss[i]!) / Math.abs(stock.loss[i]!)));
const predictionDifference = Math.max(
  ...fused.prediction.map((p, i) => Math.abs(p - stock.prediction[i]!) / Math.abs(stock.prediction[i]!)),
);
const pass = lossDifference < TOLERANCE && predictionDifference < TOLERANCE;
console.table({
  'final loss': { 'webgpu (fused)': fused.loss.at(-1)!.toFixed(4), 'cpu (stock)': stock.loss.at(-1)!.toFixed(4) },
  prediction: { 'webgpu (fused)': format(fused.prediction), 'cpu (stock)': format(stock.prediction) },
  'time per epoch': {
    'webgpu (fused)': `${fused.msPerEpoch.toFixed(2)} ms`,
    'cpu (stock)': `${stock.msPerEpoch.toFixed(2)} ms`,
  },
});
console.log(
  `  largest per-epoch loss difference ${lossDifference.toExponential(2)}, ` +
    `prediction difference ${predictionDifference.toExponential(2)} (relative; tolerance ${TOLERANCE})`,
);

const chartPath = join(
  import.meta.dirname,
  '..',
  'artifacts',
  CELL === 'simpleRNN' ? 'seed-loss.svg' : `seed-loss-${CELL}.svg`,
);
mkdirSync(join(chartPath, '..'), { recursive: true });
writeFileSync(
  chartPath,
  await lossChartSVG([
    { name: `webgpu, fused ${LAYER}`, loss: fused.loss },
    { name: `cpu, stock ${STOCK}`, loss: stock.loss },
  ]),
);
console.log(`  loss curves written to ${chartPath}`);

console.log(
  pass
    ? '\n\x1b[32mPASS\x1b[0m: WebGPU (fused) matches the CPU backend'
    : '\n\x1b[31mFAIL\x1b[0m: WebGPU (fused) differs from the CPU backend',
);
process.exit(pass ? 0 : 1);
