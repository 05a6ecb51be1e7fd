/**
 * Step 2: the model's layers with their parameter counts, read from a model built like the one
 * that trains, and the notebook's formulas that give those counts.
 */
import * as tf from '@tensorflow/tfjs';
import { buildSeedModel } from 'webgpu-rnn/tfjs';
import { byId, h } from '../common/dom.js';
import { formatCount } from '../common/format.js';
import type { SeedData } from './seed-data.js';

const FEATURES = 1;

function formatShape(shape: tf.Shape | tf.Shape[]): string {
  const single = (s: tf.Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  return Array.isArray(shape[0]) ? (shape as tf.Shape[]).map(single).join(', ') : single(shape as tf.Shape);
}

export function createModelStep(): { show(data: SeedData): void } {
  const rows = byId('model-summary', HTMLTableElement).tBodies[0]!;
  const formula = byId('model-formula', HTMLParagraphElement);
  let shown = '';

  return {
    show(data) {
      // The counts depend on the shapes only; rebuilding on every edit of the sequence would be waste.
      const key = `${data.seqLen}:${data.nSteps}`;
      if (key === shown) return;
      shown = key;
      const model = buildSeedModel({ seqLen: data.seqLen, nSteps: data.nSteps });
      try {
        const units = model.layers[0]!.getConfig().units as number;
        const cell = (text: string, numeric = false) => h('td', numeric ? { class: 'number' } : {}, text);
        rows.replaceChildren(
          ...model.layers.map((layer) =>
            h('tr', {}, cell(layer.getClassName()), cell(formatShape(layer.outputShape)), cell(formatCount(layer.countParams()), true)),
          ),
          h('tr', { class: 'total' }, cell('Total'), cell(''), cell(formatCount(model.countParams()), true)),
        );
        const rnnParams = (FEATURES + units) * units + units;
        const denseParams = data.nSteps * (units + 1);
        const line = (label: string, text: string) => [h('span', { class: 'label' }, label), text, h('br')];
        formula.replaceChildren(
          ...line('SimpleRNN', `(features + units)·units + units = (${FEATURES} + ${units})·${units} + ${units} = ${formatCount(rnnParams)}`),
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
