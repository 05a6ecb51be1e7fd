/** The model's parameters: Embedding, each recurrent layer (gates · ((inputs + units) · units + units)), Dense. */
import { cellById } from 'webgpu-rnn';
import type { ModelSettings } from './run-settings.js';

export function parameterCount({ cell, layers, units, embedding }: ModelSettings, vocabulary: number): number {
  const { gates } = cellById(cell);
  let total = vocabulary * embedding + units * vocabulary + vocabulary;
  for (let layer = 0; layer < layers; layer++) {
    const inputs = layer === 0 ? embedding : units;
    total += gates * ((inputs + units) * units + units);
  }
  return total;
}
