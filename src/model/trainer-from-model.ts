/**
 * Moving a tfjs model's training to the standalone trainer and back: a trainer for a
 * SimpleRNN → Dense model (stock or fused layer), with its weights and Adam settings, and the
 * trained weights written back into the model.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamConfig } from '../kernels/trainer-update.js';
import { createTrainer, type Trainer } from '../trainer/trainer.js';

interface LayerConfig {
  units?: number;
  activation?: string;
  useBias?: boolean;
  returnSequences?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
}

function unsupported(why: string): never {
  throw new TypeError(`createTrainerFromModel: the trainer runs SimpleRNN(units, activation) → Dense(outputs) with biases; ${why}`);
}

export async function createTrainerFromModel(device: GPUDevice, model: tf.LayersModel, options: { optimizer?: Partial<AdamConfig> } = {}): Promise<Trainer> {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const names = layers.map((layer) => layer.getClassName());
  if (layers.length !== 2 || !['SimpleRNN', 'FusedSimpleRNN'].includes(names[0]!) || names[1] !== 'Dense') {
    unsupported(`this model's layers are ${names.join(' → ')}`);
  }
  const rnn = layers[0]!.getConfig() as LayerConfig;
  const dense = layers[1]!.getConfig() as LayerConfig;
  if (rnn.returnSequences || rnn.goBackwards || rnn.stateful || rnn.useBias === false) {
    unsupported('returnSequences, goBackwards, stateful and useBias: false are not');
  }
  if ((dense.activation ?? 'linear') !== 'linear' || dense.useBias === false) unsupported(`the Dense layer must be linear with a bias`);
  const [, timesteps, features] = model.inputs[0]!.shape;
  if (timesteps == null || features == null) unsupported('the input shape [timesteps, features] must be fixed');
  const adam = model.optimizer instanceof tf.AdamOptimizer ? (model.optimizer.getConfig() as Partial<AdamConfig>) : {};
  const trainer = await createTrainer(device, {
    timesteps,
    features,
    units: rnn.units!,
    outputs: dense.units!,
    activation: (rnn.activation ?? 'tanh') as never,
    optimizer: { ...adam, ...options.optimizer },
  });
  trainer.setWeights(await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array)));
  return trainer;
}

/** Writes the trainer's weights into `model` (its SimpleRNN and Dense layers, Keras order). */
export async function copyWeightsToModel(trainer: Trainer, model: tf.LayersModel): Promise<void> {
  const weights = await trainer.getWeights();
  const tensors = model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
