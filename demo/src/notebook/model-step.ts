/**
 * Step 2: the recurrent layer's choice (SimpleRNN, LSTM, GRU), the model's layers with their
 * parameter counts, read from a model built like the one that trains, and the formulas that give
 * those counts.
 */
import * as tf from '@tensorflow/tfjs';
import { buildSeedModel, SEED_CELLS, type SeedCell } from 'webgpu-rnn/tfjs';
import { byId, h } from '../common/dom.js';
import { formatCount } from '../common/format.js';
import { CELLS } from './cells.js';
import type { SeedData } from './seed-data.js';

const FEATURES = 1;

function formatShape(shape: tf.Shape | tf.Shape[]): string {
  const single = (s: tf.Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  return Array.isArray(shape[0]) ? (shape as tf.Shape[]).map(single).join(', ') : single(shape as tf.Shape);
}

export interface ModelStep {
  /** The recurrent layer chosen. */
  cell(): SeedCell;
  onCellChange(listener: (cell: SeedCell) => void): void;
  show(data: SeedData): void;
}

export function createModelStep(): ModelStep {
  const rows = byId('model-summary', HTMLTableElement).tBodies[0]!;
  const formula = byId('model-formula', HTMLParagraphElement);
  const hint = byId('model-hint', HTMLParagraphElement);
  const choice = byId('cell', HTMLSelectElement);
  const cell = (): SeedCell => SEED_CELLS.find((c) => c === choice.value) ?? 'simpleRNN';
  let shown = '';

  return {
    cell,
    onCellChange(listener) {
      choice.addEventListener('change', () => listener(cell()));
    },
    show(data) {
      // The counts depend on the shapes and the cell only; rebuilding on every edit of the sequence would be waste.
      const key = `${cell()}:${data.seqLen}:${data.nSteps}`;
      if (key === shown) return;
      shown = key;
      const { name, gates } = CELLS[cell()];
      hint.replaceChildren(
        `${name}(50, relu) on `,
        h('code', {}, '[seqLen, 1]'),
        ' inputs, then Dense(nSteps); Adam (learning rate 0.001) and mean squared error.',
      );
      const model = buildSeedModel({ cell: cell(), seqLen: data.seqLen, nSteps: data.nSteps });
      try {
        const units = model.layers[0]!.getConfig().units as number;
        const cell = (text: string, numeric = false) => h('td', numeric ? { class: 'number' } : {}, text);
        rows.replaceChildren(
          ...model.layers.map((layer) =>
            h(
              'tr',
              {},
              cell(layer.getClassName()),
              cell(formatShape(layer.outputShape)),
              cell(formatCount(layer.countParams()), true),
            ),
          ),
          h('tr', { class: 'total' }, cell('Total'), cell(''), cell(formatCount(model.countParams()), true)),
        );
        const rnnParams = gates * ((FEATURES + units) * units + units);
        const denseParams = data.nSteps * (units + 1);
        const line = (label: string, text: string) => [h('span', { class: 'label' }, label), text, h('br')];
        // LSTM and GRU have a SimpleRNN's weights once per gate block: i, f, c̃, o and z, r, h̃.
        const times = gates > 1 ? `${gates}·` : '';
        const inner = (text: string) => (gates > 1 ? `(${text})` : text);
        formula.replaceChildren(
          ...line(
            name,
            `${times}${inner('(features + units)·units + units')} = ` +
              `${times}${inner(`(${FEATURES} + ${units})·${units} + ${units}`)} = ${formatCount(rnnParams)}`,
          ),
          ...line('Dense', `outputs·(units + 1) = ${data.nSteps}·(${units} + 1) = ${formatCount(denseParams)}`),
          h('span', { class: 'label' }, 'Total'),
          `${formatCount(rnnParams)} + ${formatCount(denseParams)} = ${formatCount(rnnParams + denseParams)}`,
        );
      } finally {
        model.dispose();
      }
    },
  };
}
