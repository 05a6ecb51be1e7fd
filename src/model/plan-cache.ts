/**
 * One core layer (validated config + kernel descriptions) per device, cell and configuration, so a
 * tfjs kernel call checks a configuration against the device's limits once, not every step.
 */
import type { CellDefinition, LayerConfig } from '../kernels/cell.js';
import { cellConfig } from '../kernels/config.js';
import { createRecurrentLayer, type Buffers, type RecurrentLayer } from '../kernels/recurrent-layer.js';
import { deviceTraits } from '../kernels/strategy.js';

export type AnyLayer = RecurrentLayer<
  LayerConfig,
  Buffers,
  Record<string, GPUBuffer | null>,
  Buffers,
  Record<string, GPUBuffer | null>
>;

const layers = new WeakMap<GPUDevice, Map<string, AnyLayer>>();

export function layerFor(device: GPUDevice, cell: CellDefinition, config: LayerConfig): AnyLayer {
  let byConfig = layers.get(device);
  if (!byConfig) {
    byConfig = new Map();
    layers.set(device, byConfig);
  }
  // A pinned strategy (pinStrategy) is part of what the layer is.
  const key = `${cell.id} ${JSON.stringify(config)} ${JSON.stringify(deviceTraits(device).pinned)}`;
  let layer = byConfig.get(key);
  if (!layer) {
    layer = createRecurrentLayer(device, cell, cellConfig(cell, config));
    byConfig.set(key, layer);
  }
  return layer;
}
