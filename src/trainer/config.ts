/**
 * Configuration of a standalone trainer: [Embedding →] stacked recurrent layers of one cell →
 * Dense(outputs) on the last step or on every step, and its checks.
 */
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { DEFAULT_RECURRENT_ACTIVATION, resolveActivation, type Activation } from '../kernels/activation.js';
import type { Loss } from '../kernels/trainer-loss.js';
import type { OptimizerConfig } from '../kernels/trainer-optimizer.js';
import { checkStrategyOverride, type Strategy } from '../kernels/strategy.js';
import { resolveHead, type LossName, type Metric, type OutputActivation } from './head-config.js';
import { resolveOptimizer, type OptimizerName, type OptimizerOptions } from './optimizer-config.js';

export { ADAM_DEFAULTS, type AdamConfig, type OptimizerName, type OptimizerOptions } from './optimizer-config.js';

export type TrainerCell = 'simpleRNN' | 'lstm' | 'gru';
export const TRAINER_CELLS: readonly TrainerCell[] = ['simpleRNN', 'lstm', 'gru'];

/** Keras's Embedding before the recurrent layers: x becomes token ids, looked up on the GPU. */
export interface EmbeddingConfig {
  /** Tokens: ids run over [0, inputDim). */
  readonly inputDim: number;
  /** Values per token: the first recurrent layer's features. */
  readonly outputDim: number;
  /** Id 0 is padding: its steps are masked, with Keras's semantics (default false). */
  readonly maskZero?: boolean;
}

export interface TrainerConfig {
  readonly timesteps: number;
  /** Values per step of x; with `embedding`, leave it out (it is embedding.outputDim). */
  readonly features?: number;
  /** x as token ids [samples][timesteps], through an Embedding trained with the rest. */
  readonly embedding?: EmbeddingConfig;
  /** Units of each recurrent layer, bottom up: one number for one layer, or e.g. [64, 32]. */
  readonly units: number | readonly number[];
  readonly outputs: number;
  /** Default 'simpleRNN'. */
  readonly cell?: TrainerCell;
  /** Default 'tanh', as tfjs's layers. */
  readonly activation?: Activation;
  /** LSTM and GRU gates; default 'hardSigmoid', as tfjs's layers. */
  readonly recurrentActivation?: Activation;
  /** GRU only: Keras's reset_after variant, bias [2, 3·units] (default false, tfjs's only form). */
  readonly resetAfter?: boolean;
  /** LSTM only: initial forget-gate bias 1 (default false, as tfjs's tf.layers.lstm). */
  readonly unitForgetBias?: boolean;
  /**
   * The Dense head on every step (Keras's returnSequences with timeDistributed(dense)): targets
   * [samples][timesteps][outputs], or class ids [samples][timesteps]; default false, the last step.
   */
  readonly returnSequences?: boolean;
  /** The Dense head's activation: 'linear' (default), 'sigmoid' or 'softmax' (head-config.ts). */
  readonly outputActivation?: OutputActivation;
  /**
   * 'mse' (the linear head's default) or 'mae' ('meanSquaredError', 'meanAbsoluteError'); a sigmoid
   * head's 'binaryCrossentropy'; a softmax head's 'categoricalCrossentropy' or 'sparseCategoricalCrossentropy'.
   */
  readonly loss?: LossName;
  /** ['accuracy'] (or ['acc']): each epoch's accuracy beside its loss; classification heads only. */
  readonly metrics?: readonly Metric[];
  /**
   * A name as model.compile takes it ('adam', the default, 'sgd', 'rmsprop'), or { type, learningRate, ... }
   * with tf.train's settings and Keras's clipNorm or globalClipNorm (optimizer-config.ts).
   */
  readonly optimizer?: OptimizerName | OptimizerOptions;
  /** Seeds the initial weights (tfjs's default initializers). */
  readonly seed?: number;
  /**
   * Overrides of the kernels' strategy (src/kernels/strategy.ts), as a layer's `strategy`: e.g.
   * `{ weightGradientRows: 256 }` splits the weight gradients' rows over more invocations. The
   * recurrence stays persistent, so that a step's dispatches do not grow with timesteps.
   */
  readonly strategy?: Partial<Strategy>;
}

export interface ResolvedTrainerConfig {
  readonly timesteps: number;
  /** The first recurrent layer's features: x's, or embedding.outputDim. */
  readonly features: number;
  readonly embedding: Required<EmbeddingConfig> | null;
  readonly returnSequences: boolean;
  /** Every recurrent layer's units, bottom up. */
  readonly units: readonly number[];
  readonly outputs: number;
  readonly cell: TrainerCell;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;
  readonly unitForgetBias: boolean;
  readonly outputActivation: OutputActivation;
  readonly loss: Loss;
  readonly metrics: readonly 'accuracy'[];
  readonly optimizer: OptimizerConfig;
  readonly seed: number | undefined;
  readonly strategy: Partial<Strategy>;
}

const CONFIG_FIELDS = [
  'timesteps',
  'features',
  'embedding',
  'units',
  'outputs',
  'cell',
  'activation',
  'recurrentActivation',
  'resetAfter',
  'unitForgetBias',
  'returnSequences',
  'outputActivation',
  'loss',
  'metrics',
  'optimizer',
  'seed',
  'strategy',
] as const;

function resolveUnits(units: unknown): number[] {
  if (typeof units === 'number') return [checkPositiveInteger('config.units', units)];
  if (!Array.isArray(units) || units.length === 0)
    throw new TypeError(
      `config.units: expected a positive integer or a non-empty list of them; got ${describeValue(units)}`,
    );
  return units.map((u, i) => checkPositiveInteger(`config.units[${i}]`, u));
}

function resolveStrategy(given: unknown): Partial<Strategy> {
  const strategy = checkStrategyOverride(given, 'config.strategy');
  if (strategy.recurrence === 'stepwise')
    throw new TypeError(
      'config.strategy.recurrence: the trainer runs the persistent recurrence ' +
        "(a step's dispatches must not grow with timesteps); got 'stepwise'",
    );
  return strategy;
}

const EMBEDDING_FIELDS = ['inputDim', 'outputDim', 'maskZero'] as const;

function resolveEmbedding(given: unknown, features: unknown): Required<EmbeddingConfig> | null {
  if (given === undefined) return null;
  if (typeof given !== 'object' || given === null)
    throw new TypeError(`config.embedding: expected { inputDim, outputDim, maskZero? }; got ${describeValue(given)}`);
  checkOptions('config.embedding', given, EMBEDDING_FIELDS);
  const embedding = given as EmbeddingConfig;
  const inputDim = checkPositiveInteger('config.embedding.inputDim', embedding.inputDim);
  const outputDim = checkPositiveInteger('config.embedding.outputDim', embedding.outputDim);
  if (inputDim > 2 ** 24)
    throw new RangeError(
      `config.embedding.inputDim: expected at most 2^24 tokens (ids exact in float32); got ${inputDim}`,
    );
  if (features !== undefined && features !== outputDim)
    throw new TypeError(
      `config.features: with an embedding the first layer's features are embedding.outputDim (${outputDim}); ` +
        `leave features out; got ${describeValue(features)}`,
    );
  const maskZero = embedding.maskZero ?? false;
  if (typeof maskZero !== 'boolean')
    throw new TypeError(`config.embedding.maskZero: expected a boolean; got ${describeValue(maskZero)}`);
  return { inputDim, outputDim, maskZero };
}

function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new TypeError(`config.${name}: expected a boolean; got ${describeValue(value)}`);
  return value;
}

function checkFlag(
  name: 'resetAfter' | 'unitForgetBias',
  value: unknown,
  cell: TrainerCell,
  owner: TrainerCell,
): boolean {
  checkBoolean(name, value);
  if (value && cell !== owner)
    throw new TypeError(`config.${name}: only for cell '${owner}'; this trainer's cell is '${cell}'`);
  return value === true;
}

export function resolveTrainerConfig(config: TrainerConfig): ResolvedTrainerConfig {
  if (typeof config !== 'object' || config === null)
    throw new TypeError(
      `config: expected an object with timesteps, features (or embedding), units, outputs; got ${describeValue(config)}`,
    );
  checkOptions('config', config, CONFIG_FIELDS);
  for (const field of ['timesteps', 'outputs'] as const) checkPositiveInteger(`config.${field}`, config[field]);
  const embedding = resolveEmbedding(config.embedding, config.features);
  const features = embedding?.outputDim ?? checkPositiveInteger('config.features', config.features);
  const units = resolveUnits(config.units);
  const cell = config.cell ?? 'simpleRNN';
  if (!TRAINER_CELLS.includes(cell))
    throw new TypeError(
      `config.cell: expected one of ${TRAINER_CELLS.map((c) => `'${c}'`).join(', ')}; got ${describeValue(cell)}`,
    );
  const head = resolveHead(config);
  if (cell === 'simpleRNN' && config.recurrentActivation !== undefined) {
    throw new TypeError("config.recurrentActivation: SimpleRNN has no gates; it is for cell 'lstm' or 'gru'");
  }
  return {
    timesteps: config.timesteps,
    features,
    embedding,
    returnSequences: checkBoolean('returnSequences', config.returnSequences),
    units,
    outputs: config.outputs,
    cell,
    activation: resolveActivation(config.activation, 'config.activation'),
    recurrentActivation: resolveActivation(
      config.recurrentActivation,
      'config.recurrentActivation',
      DEFAULT_RECURRENT_ACTIVATION,
    ),
    resetAfter: checkFlag('resetAfter', config.resetAfter, cell, 'gru'),
    unitForgetBias: checkFlag('unitForgetBias', config.unitForgetBias, cell, 'lstm'),
    ...head,
    optimizer: resolveOptimizer(config.optimizer),
    seed: checkSeed('config.seed', config.seed),
    strategy: resolveStrategy(config.strategy),
  };
}
