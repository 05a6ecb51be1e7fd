/**
 * The seed notebook's model: SimpleRNN(50, relu) on [3, 1] inputs, then Dense(2); Adam(0.001) and
 * mean squared error. 50·(1 + 50) + 50 = 2,600 and 2·(50 + 1) = 102 parameters: 2,702 in all.
 * `cell` puts an LSTM(50, relu) or a GRU(50, relu) in the SimpleRNN's place (G gates: G times the
 * recurrent layer's parameters, 10,400 and 7,800).
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { cellById, CELL_IDS, type CellId } from '../kernels/cells.js';
import { fusedLayerOf } from './fused-layers.js';

/** The recurrent cells the seed model can use, as createTrainer names them. */
export const SEED_CELLS: readonly CellId[] = CELL_IDS;
export type SeedCell = CellId;

export interface SeedModelOptions {
  /** The fused layer (default) or its stock twin (tf.layers.simpleRNN, lstm, gru). */
  readonly fused?: boolean;
  /** The recurrent layer: 'simpleRNN' (the notebook's, default), 'lstm' or 'gru'. */
  readonly cell?: SeedCell;
  /** Seeds the initializers (glorotNormal kernel, orthogonal recurrent kernel, glorotUniform dense kernel). */
  readonly seed?: number;
  readonly seqLen?: number;
  readonly nSteps?: number;
  readonly units?: number;
  readonly learningRate?: number;
}

const OPTIONS = ['fused', 'cell', 'seed', 'seqLen', 'nSteps', 'units', 'learningRate'] as const;

export function buildSeedModel(options: SeedModelOptions = {}): tf.Sequential {
  checkOptions('buildSeedModel: options', options, OPTIONS);
  const { fused = true, cell = 'simpleRNN', seed, seqLen = 3, nSteps = 2, units = 50, learningRate = 0.001 } = options;
  if (typeof fused !== 'boolean')
    throw new TypeError(`buildSeedModel: fused: expected a boolean; got ${describeValue(fused)}`);
  if (!SEED_CELLS.includes(cell))
    throw new TypeError(`buildSeedModel: cell: expected one of ${SEED_CELLS.join(', ')}; got ${describeValue(cell)}`);
  checkSeed('buildSeedModel: seed', seed);
  for (const [name, value] of [
    ['seqLen', seqLen],
    ['nSteps', nSteps],
    ['units', units],
  ] as const)
    checkPositiveInteger(`buildSeedModel: ${name}`, value);
  if (typeof learningRate !== 'number' || !(learningRate > 0 && learningRate < Infinity)) {
    throw new RangeError(
      `buildSeedModel: learningRate: expected a positive number; got ${describeValue(learningRate)}`,
    );
  }
  const seeded =
    seed === undefined
      ? {}
      : {
          kernelInitializer: tf.initializers.glorotNormal({ seed }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
        };
  const rnnArgs = { units, activation: 'relu' as const, inputShape: [seqLen, 1], ...seeded };
  const model = tf.sequential();
  const definition = cellById(cell);
  const stock = tf.layers[definition.id as 'simpleRNN'];
  model.add(fused ? new (fusedLayerOf(definition))(rnnArgs) : stock(rnnArgs));
  model.add(
    tf.layers.dense({
      units: nSteps,
      ...(seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    }),
  );
  // tfjs's compile does not know Keras's 'mse' alias.
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return model;
}
