/**
 * The trainer's model as a tfjs model: Embedding → the recurrent layers, each returning its whole
 * sequence → a softmax Dense at every step (TimeDistributed, as Keras's char-RNN examples write it).
 * Its input is any number of token ids, so the saved model reads a prime of any length.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSettings } from './run-settings.js';

const RECURRENT_LAYERS = { simpleRNN: tf.layers.simpleRNN, lstm: tf.layers.lstm, gru: tf.layers.gru };

export function buildCharModel({ cell, layers, units, embedding }: ModelSettings, vocabulary: number): tf.Sequential {
  const model = tf.sequential({ name: 'char_rnn' });
  model.add(tf.layers.embedding({ inputDim: vocabulary, outputDim: embedding, inputShape: [null] }));
  for (let layer = 0; layer < layers; layer++) model.add(RECURRENT_LAYERS[cell]({ units, returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: vocabulary, activation: 'softmax' }) }));
  return model;
}
