/**
 * A cell's fused layer and its stock twin, for layer-comparison.ts: built from the same args (a case's
 * dropout included, with one fixed dropoutFunc on both), alone or inside Bidirectional. tf.layers.gru has
 * no resetAfter: that stock twin is tf.layers.rnn over the twin cell.
 */
import * as tf from '@tensorflow/tfjs';
import type { CellDefinition } from '../../src/kernels/cell.js';
import { fusedLayerOf } from '../../src/model/fused-layers.js';
import { twinCellClass } from '../../src/model/twin-cell.js';
import type { LayerCase, Twins } from './layer-comparison.js';

/**
 * tfjs's dropoutFunc, the same mask for a shape and rate on every call and backend: element i is kept
 * (scaled as tf.dropout scales) unless its hash falls below the rate.
 */
export function fixedDropout(ones: tf.Tensor, rate: number): tf.Tensor {
  const scale = Math.fround(1 / Math.fround(1 - rate));
  const values = Float32Array.from({ length: ones.size }, (_, i) => {
    const hash = Math.imul(i + 1, 0x9e3779b1) >>> 0;
    return hash / 2 ** 32 < rate ? 0 : scale;
  });
  return tf.tensor(values, ones.shape);
}

export interface TwinRow {
  readonly cell: CellDefinition;
  readonly resetAfter: boolean;
  readonly bidirectional: boolean;
}

export function layerTwins(r: TwinRow): Twins {
  const args = (c: LayerCase) => ({
    units: c.units,
    activation: c.activation,
    recurrentActivation: c.recurrentActivation,
    returnSequences: c.returnSequences,
    returnState: c.returnState,
    goBackwards: c.goBackwards,
    kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: c.seed + 1 }),
    ...(r.resetAfter ? { resetAfter: true } : {}),
    ...(c.dropout ? { ...c.dropout, dropoutFunc: fixedDropout } : {}),
  });
  // Bidirectional builds its two layers from the layer's config, which has no dropoutFunc: given again.
  const wrap = (layer: tf.layers.Layer, c: LayerCase) => {
    if (!r.bidirectional) return layer;
    const wrapper = tf.layers.bidirectional({ layer: layer as tf.RNN, mergeMode: 'concat' });
    if (c.dropout) {
      const { forwardLayer, backwardLayer } = wrapper as unknown as Record<string, tf.RNN>;
      for (const inner of [forwardLayer!, backwardLayer!])
        (inner.cell as unknown as { dropoutFunc: typeof fixedDropout }).dropoutFunc = fixedDropout;
    }
    return wrapper;
  };
  const stock = (c: LayerCase) => {
    if (!r.resetAfter)
      return (tf.layers as never as Record<string, (a: object) => tf.layers.Layer>)[r.cell.id]!(args(c));
    const { resetAfter, ...cellArgs } = args(c);
    const Twin = twinCellClass(r.cell);
    return tf.layers.rnn({ ...cellArgs, cell: new Twin({ ...cellArgs, resetAfter }) as never });
  };
  return {
    fused: (c: LayerCase) => wrap(new (fusedLayerOf(r.cell))(args(c)), c),
    stock: (c: LayerCase) => wrap(stock(c), c),
    states: r.cell.states,
    stockOps: () => {
      throw new Error('these rows have T > 1');
    },
  };
}
