/** Configuration of a standalone trainer for SimpleRNN(units, activation) → Dense(outputs), and its checks. */
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { resolveActivation, type Activation } from '../kernels/activation.js';
import type { AdamConfig } from '../kernels/trainer-update.js';

export interface TrainerConfig {
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  readonly outputs: number;
  /** Default 'relu', the seed notebook's. */
  readonly activation?: Activation;
  /** Mean squared error, the only loss for now. */
  readonly loss?: 'mse';
  /** tf.train.adam's defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  readonly optimizer?: Partial<AdamConfig>;
  /** Seeds the initial weights (tfjs's default initializers). */
  readonly seed?: number;
}

export interface ResolvedTrainerConfig {
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  readonly outputs: number;
  readonly activation: Activation;
  readonly loss: 'mse';
  readonly optimizer: AdamConfig;
  readonly seed: number | undefined;
}

export const ADAM_DEFAULTS: AdamConfig = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

const CONFIG_FIELDS = ['timesteps', 'features', 'units', 'outputs', 'activation', 'loss', 'optimizer', 'seed'] as const;

export function resolveTrainerConfig(config: TrainerConfig): ResolvedTrainerConfig {
  if (typeof config !== 'object' || config === null) throw new TypeError(`config: expected an object with timesteps, features, units, outputs; got ${describeValue(config)}`);
  checkOptions('config', config, CONFIG_FIELDS);
  for (const field of ['timesteps', 'features', 'units', 'outputs'] as const) checkPositiveInteger(`config.${field}`, config[field]);
  if (config.loss !== undefined && config.loss !== 'mse') {
    throw new TypeError(`config.loss: only 'mse' (mean squared error) is supported; got ${describeValue(config.loss)}`);
  }
  checkOptions('config.optimizer', config.optimizer, Object.keys(ADAM_DEFAULTS));
  const seed = checkSeed('config.seed', config.seed);
  const optimizer = { ...ADAM_DEFAULTS, ...config.optimizer };
  const ranges: Record<keyof AdamConfig, [number, number]> = { learningRate: [0, Infinity], beta1: [0, 1], beta2: [0, 1], epsilon: [0, Infinity] };
  for (const [name, [low, high]] of Object.entries(ranges) as [keyof AdamConfig, [number, number]][]) {
    const value = optimizer[name];
    if (typeof value !== 'number' || !(value > low && value < high)) {
      throw new RangeError(`config.optimizer.${name}: expected a number in (${low}, ${high}); got ${describeValue(value)}`);
    }
  }
  return {
    timesteps: config.timesteps,
    features: config.features,
    units: config.units,
    outputs: config.outputs,
    activation: resolveActivation(config.activation ?? 'relu', 'config.activation'),
    loss: 'mse',
    optimizer,
    seed,
  };
}

/** Keras order and shapes: kernel, recurrent_kernel, bias, dense kernel, dense bias. */
export function weightShapes(c: Pick<ResolvedTrainerConfig, 'features' | 'units' | 'outputs'>): [string, number[]][] {
  return [
    ['kernel', [c.features, c.units]],
    ['recurrent_kernel', [c.units, c.units]],
    ['bias', [c.units]],
    ['dense kernel', [c.units, c.outputs]],
    ['dense bias', [c.outputs]],
  ];
}
