/**
 * Moving a tfjs model's training to the standalone trainer and back: a trainer for a sequential
 * model of [Embedding →] stacked SimpleRNN, LSTM or GRU layers (stock or fused) → Dense (linear, sigmoid
 * or softmax; on every step when the top layer returns sequences, optionally in timeDistributed), with
 * its weights, optimizer (Adam, SGD or RMSProp), loss (MSE or MAE, binary or
 * categorical cross-entropy) and metrics (['accuracy']), and the trained weights written back into
 * the model. Whatever the trainer cannot reproduce exactly is refused, naming the setting. tfjs's
 * optimizers do not clip gradients: clipNorm or globalClipNorm come only from `options.optimizer`.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptions } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { checkDevice } from '../gpu/check-device.js';
import { cellByClassName, cellById } from '../kernels/cells.js';
import type { Loss } from '../kernels/trainer-loss.js';
import type { TrainerCell } from '../trainer/config.js';
import { HEAD_LOSSES, type OutputActivation } from '../trainer/head-config.js';
import type { OptimizerName, OptimizerOptions } from '../trainer/optimizer-config.js';
import { createTrainer, type Trainer } from '../trainer/trainer.js';

/** The trainer's cell for a layer's class name, stock or fused (SimpleRNN, FusedLSTM, ...). */
const trainerCellOf = (className: string) => cellByClassName(className)?.id as TrainerCell | undefined;

/** Layer settings whose non-default value the trainer cannot reproduce, with that default. */
const UNSUPPORTED: Record<string, unknown> = {
  goBackwards: false,
  stateful: false,
  useBias: true,
  dropout: 0,
  recurrentDropout: 0,
  kernelRegularizer: null,
  recurrentRegularizer: null,
  biasRegularizer: null,
  activityRegularizer: null,
  kernelConstraint: null,
  recurrentConstraint: null,
  biasConstraint: null,
};

/** tfjs's loss names the trainer runs, as the trainer names them. */
const LOSSES: Readonly<Record<string, Loss>> = {
  meanSquaredError: 'mse',
  mse: 'mse',
  MSE: 'mse',
  meanAbsoluteError: 'mae',
  mae: 'mae',
  MAE: 'mae',
  binaryCrossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
};

type Config = Record<string, unknown>;

function refuse(why: string): never {
  throw new TypeError(
    `createTrainerFromModel: the trainer runs [Embedding →] stacked SimpleRNN, LSTM or GRU layers → ` +
      `Dense(outputs) [in timeDistributed], ` +
      `as tfjs trains them; ${why}`,
  );
}

function checkModel(call: string, model: unknown): tf.LayersModel {
  // Duck-typed: a second copy of tfjs in an app would fail instanceof.
  const m = model as Partial<tf.LayersModel> | null;
  if (typeof m?.getWeights !== 'function' || !Array.isArray(m.layers))
    throw new TypeError(
      `${call}: model: expected a tf.LayersModel (tf.sequential or tf.model); got ${describeValue(model)}`,
    );
  return model as tf.LayersModel;
}

/** Refuses any setting of `config` outside what the trainer reproduces. */
function checkSettings(name: string, config: Config, settings: readonly string[]): void {
  for (const setting of settings) {
    const value = config[setting] ?? UNSUPPORTED[setting];
    if (value !== UNSUPPORTED[setting])
      refuse(`layer ${name} has ${setting}: ${JSON.stringify(value)} (only ${JSON.stringify(UNSUPPORTED[setting])})`);
  }
}

function optimizerOf(model: tf.LayersModel): OptimizerOptions {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (!optimizer) return {};
  // By class name, not instanceof: MomentumOptimizer extends SGDOptimizer, and a second copy of tfjs fails instanceof.
  const name = optimizer.getClassName();
  const config = optimizer.getConfig();
  if (name === 'Adam')
    return {
      type: 'adam',
      learningRate: config.learningRate as number,
      beta1: config.beta1 as number,
      beta2: config.beta2 as number,
      epsilon: config.epsilon as number,
    };
  if (name === 'SGD') return { type: 'sgd', learningRate: config.learningRate as number };
  if (name === 'RMSProp' && config.centered)
    refuse(
      "its optimizer is RMSProp with centered: true (only false: tfjs's centered RMSProp turns NaN " +
        'wherever a gradient is small; see docs/trainer.md)',
    );
  if (name === 'RMSProp')
    return {
      type: 'rmsprop',
      learningRate: config.learningRate as number,
      decay: config.decay as number,
      momentum: config.momentum as number,
      epsilon: config.epsilon as number,
    };
  return refuse(`its optimizer is ${name} (only tf.train.adam, tf.train.sgd and tf.train.rmsprop)`);
}

function lossOf(model: tf.LayersModel): Loss | undefined {
  const loss = (model as { loss?: unknown }).loss;
  if (loss === undefined) return undefined;
  if (typeof loss !== 'string' || !Object.hasOwn(LOSSES, loss))
    refuse(
      `its loss is ${typeof loss === 'string' ? `'${loss}'` : describeValue(loss)} ` +
        "(only 'meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'categoricalCrossentropy' and " +
        "'sparseCategoricalCrossentropy')",
    );
  return LOSSES[loss];
}

/** The Dense head's activation, and that the model's loss and metrics go with it as the trainer runs them. */
function headOf(model: tf.LayersModel, dense: tf.layers.Layer, loss: Loss | undefined) {
  const { activation = 'linear', units } = dense.getConfig() as Config;
  if (activation !== 'linear' && activation !== 'sigmoid' && activation !== 'softmax')
    refuse(`layer ${dense.name} has activation: '${String(activation)}' (only 'linear', 'sigmoid' or 'softmax')`);
  const outputActivation: OutputActivation = activation;
  const losses = HEAD_LOSSES[outputActivation];
  if (!losses.includes(loss ?? 'mse'))
    refuse(
      `layer ${dense.name} has activation '${outputActivation}' and ` +
        (loss === undefined
          ? 'the model is not compiled (no loss) '
          : `the model's loss is '${String((model as { loss?: unknown }).loss)}' `) +
        `(a '${outputActivation}' head trains under ${losses.map((l) => `'${l}'`).join(', ')})`,
    );
  if (outputActivation === 'softmax' && units === 1)
    refuse(`layer ${dense.name} is a softmax over 1 unit, always 1 (nothing to learn)`);
  const metrics = (model as { metrics?: unknown }).metrics;
  const list = typeof metrics === 'string' ? [metrics] : (metrics ?? []);
  if (!Array.isArray(list) || list.some((m) => m !== 'accuracy' && m !== 'acc'))
    refuse(`its metrics are ${describeMetrics(metrics)} (only 'accuracy' or 'acc')`);
  if (list.length > 0 && outputActivation === 'linear')
    refuse(`its metrics ask for accuracy, and layer ${dense.name} is linear (only a sigmoid or softmax head)`);
  return { outputActivation, metrics: list.length > 0 ? (['accuracy'] as const) : [] };
}

const describeMetrics = (metrics: unknown) =>
  Array.isArray(metrics)
    ? `[${metrics.map((m) => (typeof m === 'string' ? `'${m}'` : describeValue(m))).join(', ')}]`
    : describeValue(metrics);

/** An Embedding layer's settings, refusing what the trainer does not reproduce. */
function embeddingOf(layer: tf.layers.Layer): { inputDim: number; outputDim: number; maskZero: boolean } {
  const config = layer.getConfig() as Config;
  for (const setting of ['embeddingsRegularizer', 'activityRegularizer', 'embeddingsConstraint'])
    if ((config[setting] ?? null) !== null)
      refuse(`layer ${layer.name} has ${setting}: ${JSON.stringify(config[setting])} (only null)`);
  return {
    inputDim: config.inputDim as number,
    outputDim: config.outputDim as number,
    maskZero: Boolean(config.maskZero),
  };
}

export async function createTrainerFromModel(
  device: GPUDevice,
  model: tf.LayersModel,
  /** optimizer: settings over the model's (e.g. { clipNorm: 1 }), or a name in its place, as the trainer's config. */
  options: { optimizer?: OptimizerName | OptimizerOptions } = {},
): Promise<Trainer> {
  checkDevice('createTrainerFromModel: device', device);
  checkModel('createTrainerFromModel', model);
  checkOptions('createTrainerFromModel: options', options, ['optimizer']);
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const names = layers.map((layer) => layer.getClassName());
  const embeddingLayer = names[0] === 'Embedding' ? layers[0]! : null;
  const recurrent = layers.slice(embeddingLayer ? 1 : 0, -1);
  const cells = new Set(recurrent.map((layer) => trainerCellOf(layer.getClassName())));
  const top = layers[layers.length - 1]!;
  const dense =
    names[names.length - 1] === 'TimeDistributed' ? (top as tf.layers.Layer & { layer: tf.layers.Layer }).layer : top;
  if (recurrent.length === 0 || dense.getClassName() !== 'Dense' || cells.has(undefined) || cells.size !== 1) {
    refuse(`this model's layers are ${names.join(' → ')}`);
  }
  const configs = recurrent.map((layer) => layer.getConfig() as Config);
  const returnSequences = Boolean(configs[configs.length - 1]!.returnSequences);
  if (dense !== top && !returnSequences)
    refuse(`layer ${top.name} is timeDistributed over the last step only (its recurrent layer returns no sequences)`);
  configs.forEach((config, l) => {
    checkSettings(recurrent[l]!.name, config, Object.keys(UNSUPPORTED));
    if (l < configs.length - 1 && !config.returnSequences) {
      refuse(
        `layer ${recurrent[l]!.name} has returnSequences: false ` +
          `(every recurrent layer but the last returns sequences)`,
      );
    }
    for (const setting of ['activation', 'recurrentActivation', 'resetAfter'] as const) {
      if (config[setting] !== configs[0]![setting])
        refuse(
          `layer ${recurrent[l]!.name} has ${setting} ${JSON.stringify(config[setting])}, ` +
            `layer ${recurrent[0]!.name} ${JSON.stringify(configs[0]![setting])} (one for every layer)`,
        );
    }
  });
  const denseConfig = dense.getConfig() as Config;
  checkSettings(dense.name, denseConfig, [
    'useBias',
    'kernelRegularizer',
    'biasRegularizer',
    'activityRegularizer',
    'kernelConstraint',
    'biasConstraint',
  ]);
  const loss = lossOf(model);
  const head = headOf(model, dense, loss);
  const embedding = embeddingLayer && embeddingOf(embeddingLayer);
  const [, timesteps, features] = model.inputs[0]!.shape;
  if (timesteps == null || (!embedding && features == null))
    refuse(`the input shape ${embedding ? '[timesteps] (inputLength)' : '[timesteps, features]'} must be fixed`);
  const cell = [...cells][0]!;
  const cellOptions = cellById(cell).options;
  const first = configs[0]!;
  const trainer = await createTrainer(device, {
    timesteps,
    ...(embedding ? { embedding } : { features: features! }),
    returnSequences,
    units: configs.map((config) => config.units as number),
    outputs: denseConfig.units as number,
    cell,
    activation: (first.activation ?? 'tanh') as never,
    ...(cellOptions.includes('recurrentActivation')
      ? { recurrentActivation: (first.recurrentActivation ?? 'hardSigmoid') as never }
      : {}),
    ...(cellOptions.includes('resetAfter') ? { resetAfter: Boolean(first.resetAfter) } : {}),
    ...head,
    loss,
    optimizer:
      typeof options.optimizer === 'string' ? options.optimizer : { ...optimizerOf(model), ...options.optimizer },
  });
  trainer.setWeights(await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array)));
  return trainer;
}

/** Writes the trainer's weights into `model` (its recurrent layers and Dense, tfjs's getWeights() order). */
export async function copyWeightsToModel(trainer: Trainer, model: tf.LayersModel): Promise<void> {
  if (typeof (trainer as Partial<Trainer> | null)?.getWeights !== 'function')
    throw new TypeError(
      `copyWeightsToModel: trainer: expected a Trainer (createTrainer); got ${describeValue(trainer)}`,
    );
  const shapes = checkModel('copyWeightsToModel', model)
    .getWeights()
    .map((w) => w.shape);
  const weights = await trainer.getWeights();
  const sizes = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  if (shapes.length !== weights.length || shapes.some((shape, i) => sizes(shape) !== weights[i]!.length)) {
    throw new RangeError(
      `copyWeightsToModel: model: its weights have shapes ${JSON.stringify(shapes)}; ` +
        `the trainer's have ${JSON.stringify(weights.map((w) => w.length))} values`,
    );
  }
  const tensors = shapes.map((shape, i) => tf.tensor(weights[i]!, shape));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
