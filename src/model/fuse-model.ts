/**
 * fuseModel: a model's fused twin. Every stock SimpleRNN, LSTM and GRU layer (also inside
 * Bidirectional, or in a nested model) becomes FusedSimpleRNN, FusedLSTM or FusedGRU with the same
 * config and weights; every other layer is rebuilt as it was. The model is rebuilt from its config,
 * as tf.loadLayersModel rebuilds one, so the original is left untouched; layers the fused kernels
 * cannot run (an option they do not implement) stay stock and are listed in one warning. Masked layers
 * fuse: the kernels take Keras's mask, and so run where stock tfjs 4.22 cannot (its webgpu backend
 * fails to transpose the bool mask, tfjs#8638). It is how an existing model gets fast:
 * fuseModel(await tf.loadLayersModel(url)).
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { CELLS } from '../kernels/cells.js';
import { registerFusedLayers } from './fused-layers.js';
import { fusedNames, refuseUnsupported } from './fused-rnn.js';

type Config = { [key: string]: unknown };
interface LayerEntry {
  className: string;
  config: Config;
}

const isLayerEntry = (value: unknown): value is LayerEntry =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as LayerEntry).className === 'string' &&
  typeof (value as LayerEntry).config === 'object';

/**
 * Renames each fusable recurrent layer in `entry`'s config tree to its fused class; returns why each
 * other recurrent layer stays stock.
 */
function fuseEntry(entry: LayerEntry): string[] {
  const cell = CELLS.find((c) => c.className === entry.className);
  if (cell) {
    const name = String(entry.config.name);
    try {
      refuseUnsupported(cell, entry.config);
    } catch (error) {
      return [`${name} (${entry.className}): ${(error as Error).message}`];
    }
    entry.className = fusedNames(cell).className;
    return [];
  }
  // Wrappers (Bidirectional's `layer`) and nested models (`layers`) hold their layers in the config.
  return Object.values(entry.config).flatMap((value) =>
    (Array.isArray(value) ? value : [value]).filter(isLayerEntry).flatMap((inner) => fuseEntry(inner)),
  );
}

export function fuseModel<M extends tf.LayersModel>(model: M): M {
  const m = model as Partial<tf.LayersModel> | null;
  if (typeof m?.getConfig !== 'function' || typeof m.getWeights !== 'function' || !Array.isArray(m.layers)) {
    throw new TypeError(
      `fuseModel: model: expected a tf.LayersModel (tf.sequential, tf.model or tf.loadLayersModel's); ` +
        `got ${describeValue(model)}`,
    );
  }
  registerFusedLayers();
  const config = model.getConfig() as Config & { layers: LayerEntry[] };
  const stock = config.layers.flatMap((entry) => fuseEntry(entry));
  const cls = model.constructor as unknown as tf.serialization.SerializableConstructor<M>;
  let fused: M;
  try {
    // fastWeightInit: the initializers are skipped, the weights are set next.
    fused = (cls as unknown as typeof tf.LayersModel).fromConfig(
      cls,
      config as unknown as tf.serialization.ConfigDict,
      {},
      true,
    );
  } catch (error) {
    throw new Error(
      `fuseModel: the model could not be rebuilt from its config, as tf.loadLayersModel would rebuild it ` +
        `(are its custom layers registered with tf.serialization.registerClass?): ${(error as Error).message}`,
    );
  }
  try {
    fused.setWeights(model.getWeights());
  } catch (error) {
    fused.dispose();
    throw error;
  }
  if (stock.length > 0)
    console.warn(
      `fuseModel: ${stock.length} recurrent layer(s) stay stock:\n${stock.map((line) => `  ${line}`).join('\n')}`,
    );
  return fused;
}
