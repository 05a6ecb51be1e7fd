/**
 * Moving a tfjs model's training to the standalone trainer and back: a trainer for a
 * SimpleRNN → Dense model (stock or fused layer), with its weights and Adam settings, and the
 * trained weights written back into the model.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptions } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { checkDevice } from '../gpu/check-device.js';
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

function checkModel(call: string, model: unknown): tf.LayersModel {
  // Duck-typed: a second copy of tfjs in an app would fail instanceof.
  const m = model as Partial<tf.LayersModel> | null;
  if (typeof m?.getWeights !== 'function' || !Array.isArray(m.layers)) throw new TypeError(`${call}: model: expected a tf.LayersModel (tf.sequential or tf.model); got ${describeValue(model)}`);
  return model as tf.LayersModel;
}

export async function createTrainerFromModel(device: GPUDevice, model: tf.LayersModel, options: { optimizer?: Partial<AdamConfig> } = {}): Promise<Trainer> {
  checkDevice('createTrainerFromModel: device', device);
  checkModel('createTrainerFromModel', model);
  checkOptions('createTrainerFromModel: options', options, ['optimizer']);
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
  if (typeof (trainer as Partial<Trainer> | null)?.getWeights !== 'function') throw new TypeError(`copyWeightsToModel: trainer: expected a Trainer (createTrainer); got ${describeValue(trainer)}`);
  const shapes = checkModel('copyWeightsToModel', model).getWeights().map((w) => w.shape);
  const weights = await trainer.getWeights();
  const sizes = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  if (shapes.length !== weights.length || shapes.some((shape, i) => sizes(shape) !== weights[i]!.length)) {
    throw new RangeError(
      `copyWeightsToModel: model: its weights have shapes ${JSON.stringify(shapes)}; the trainer's have ${JSON.stringify(weights.map((w) => w.length))} values`,
    );
  }
  const tensors = shapes.map((shape, i) => tf.tensor(weights[i]!, shape));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
