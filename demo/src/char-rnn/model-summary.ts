/** The model in one line, layer by layer, with its parameter count (step 2). */
import { cellById } from 'webgpu-rnn';
import { formatCount } from '../common/format.js';
import { parameterCount } from './parameter-count.js';
import type { ModelSettings } from './run-settings.js';

export function describeModel(model: ModelSettings, vocabulary: number): string {
  const recurrent = Array.from({ length: model.layers }, () => `${cellById(model.cell).className}(${model.units})`);
  const layers = [`Embedding(${vocabulary} → ${model.embedding})`, ...recurrent, `Dense(${vocabulary}, softmax)`];
  return `${layers.join(' → ')} at every step · ${formatCount(parameterCount(model, vocabulary))} parameters`;
}
