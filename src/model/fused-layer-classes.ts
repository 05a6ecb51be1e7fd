/**
 * How the fused layers live in tfjs's class registry: saved under the stock class names, cloned as
 * fused layers.
 *
 * tfjs writes a layer's getClassName() into every saved model, and Bidirectional copies its layer
 * by deserializing {className: getClassName(), config: getConfig()}. A fused layer that stock tfjs
 * can build answers the stock name (SimpleRNN, LSTM, GRU), so a saved model loads without this
 * package (as stock layers; fuseModel makes them fast again). So that its in-process copies stay
 * fused, the stock name's registry entry is wrapped: a config object that a fused layer's getConfig()
 * returned (tracked by identity, never written into the config) builds that fused class; every other
 * config, a loaded file's included, builds the stock layer exactly as before.
 */
import * as tf from '@tensorflow/tfjs';

type LayerClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;
type FromConfig = (
  cls: LayerClass,
  config: tf.serialization.ConfigDict,
  ...rest: unknown[]
) => tf.serialization.Serializable;

const fusedConfigs = new WeakMap<object, LayerClass>();
const wrapped = new WeakSet<object>();

/** Marks a config returned by a fused layer of class `cls`: deserializing it under the stock name builds `cls`. */
export function markFusedConfig<T extends object>(config: T, cls: LayerClass): T {
  fusedConfigs.set(config, cls);
  return config;
}

/**
 * Registers `cls` under its own class name (what a model that stock tfjs cannot build saves under, and
 * what fuseModel asks for), and wraps the registry entry of `stockName` as above. Idempotent.
 */
export function registerFusedClass(cls: LayerClass, stockName: string): void {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  if (!(cls.className in map)) tf.serialization.registerClass(cls);
  const entry = map[stockName];
  if (!entry || wrapped.has(entry[1])) return;
  const [stock, fromConfig] = entry as unknown as [LayerClass, FromConfig];
  const fusedOrStock: FromConfig = (c, config, ...rest) => {
    const fused = fusedConfigs.get(config);
    return fused ? fused.fromConfig(fused, config) : fromConfig(c, config, ...rest);
  };
  wrapped.add(fusedOrStock);
  map[stockName] = [stock, fusedOrStock as never];
}
