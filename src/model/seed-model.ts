/**
 * The seed notebook's model: SimpleRNN(50, relu) on [3, 1] inputs, then Dense(2); Adam(0.001) and
 * mean squared error. 50·(1 + 50) + 50 = 2,600 and 2·(50 + 1) = 102 parameters: 2,702 in all.
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { fusedSimpleRNN } from './fused-simple-rnn.js';

export interface SeedModelOptions {
  /** The fused layer (default) or tf.layers.simpleRNN, its stock twin. */
  readonly fused?: boolean;
  /** Seeds the initializers (glorotNormal kernel, orthogonal recurrent kernel, glorotUniform dense kernel). */
  readonly seed?: number;
  readonly seqLen?: number;
  readonly nSteps?: number;
  readonly units?: number;
  readonly learningRate?: number;
}

const OPTIONS = ['fused', 'seed', 'seqLen', 'nSteps', 'units', 'learningRate'] as const;

export function buildSeedModel(options: SeedModelOptions = {}): tf.Sequential {
  checkOptions('buildSeedModel: options', options, OPTIONS);
  const { fused = true, seed, seqLen = 3, nSteps = 2, units = 50, learningRate = 0.001 } = options;
  if (typeof fused !== 'boolean') throw new TypeError(`buildSeedModel: fused: expected a boolean; got ${describeValue(fused)}`);
  checkSeed('buildSeedModel: seed', seed);
  for (const [name, value] of [['seqLen', seqLen], ['nSteps', nSteps], ['units', units]] as const) checkPositiveInteger(`buildSeedModel: ${name}`, value);
  if (typeof learningRate !== 'number' || !(learningRate > 0 && learningRate < Infinity)) {
    throw new RangeError(`buildSeedModel: learningRate: expected a positive number; got ${describeValue(learningRate)}`);
  }
  const seeded = seed === undefined ? {} : {
    kernelInitializer: tf.initializers.glorotNormal({ seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
  };
  const rnnArgs = { units, activation: 'relu' as const, inputShape: [seqLen, 1], ...seeded };
  const model = tf.sequential();
  model.add(fused ? fusedSimpleRNN(rnnArgs) : tf.layers.simpleRNN(rnnArgs));
  model.add(tf.layers.dense({ units: nSteps, ...(seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }) }));
  // tfjs's compile does not know Keras's 'mse' alias.
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return model;
}
