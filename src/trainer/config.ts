/** Configuration of a standalone trainer: stacked recurrent layers of one cell → Dense(outputs), and its checks. */
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

export interface TrainerConfig {
  readonly timesteps: number;
  readonly features: number;
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
  readonly features: number;
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
  'units',
  'outputs',
  'cell',
  'activation',
  'recurrentActivation',
  'resetAfter',
  'unitForgetBias',
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

function checkFlag(
  name: 'resetAfter' | 'unitForgetBias',
  value: unknown,
  cell: TrainerCell,
  owner: TrainerCell,
): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new TypeError(`config.${name}: expected a boolean; got ${describeValue(value)}`);
  if (value && cell !== owner)
    throw new TypeError(`config.${name}: only for cell '${owner}'; this trainer's cell is '${cell}'`);
  return value;
}

export function resolveTrainerConfig(config: TrainerConfig): ResolvedTrainerConfig {
  if (typeof config !== 'object' || config === null)
    throw new TypeError(
      `config: expected an object with timesteps, features, units, outputs; got ${describeValue(config)}`,
    );
  checkOptions('config', config, CONFIG_FIELDS);
  for (const field of ['timesteps', 'features', 'outputs'] as const)
    checkPositiveInteger(`config.${field}`, config[field]);
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
    features: config.features,
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
