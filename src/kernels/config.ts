/** Configuration of one fused recurrent layer call (SimpleRNN, LSTM, GRU), in Keras terms, and its validation. */
import { describeValue } from '../describe-value.js';
import { DEFAULT_RECURRENT_ACTIVATION, resolveActivation, type Activation } from './activation.js';
import type { RNNShape } from './shape.js';
import { checkStrategyOverride, type Strategy } from './strategy.js';

export interface SimpleRNNConfig extends RNNShape {
  /** Elementwise activation, as in tf.layers. Default 'tanh'. */
  readonly activation?: Activation;
  /** Consume the sequence from the last timestep to the first. Default false. */
  readonly goBackwards?: boolean;
  /** Whether a bias is added (and dBias produced). Default true. */
  readonly useBias?: boolean;
  /** Whether an initial state h is given (otherwise zeros). Default false. */
  readonly useInitialState?: boolean;
  /** Overrides of the strategy table (src/kernels/strategy.ts). */
  readonly strategy?: Partial<Strategy>;
}

export interface LSTMConfig extends SimpleRNNConfig {
  /** Activation of the gates i, f, o. Default 'hardSigmoid' (tfjs's default). */
  readonly recurrentActivation?: Activation;
  /** Whether an initial cell state c is given (otherwise zeros). Default false. */
  readonly useInitialCellState?: boolean;
}

export interface GRUConfig extends SimpleRNNConfig {
  /** Activation of the gates z, r. Default 'hardSigmoid' (tfjs's default). */
  readonly recurrentActivation?: Activation;
  /**
   * Apply the reset gate after the recurrent product (Keras's and cuDNN's default; tfjs has only
   * false). true makes bias [2, 3·units]: the input row, then the recurrent row. Default false.
   */
  readonly resetAfter?: boolean;
}

export interface ResolvedConfig extends RNNShape {
  readonly activation: Activation;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  readonly useInitialState: boolean;
}

export interface ResolvedLSTMConfig extends ResolvedConfig {
  readonly recurrentActivation: Activation;
  readonly useInitialCellState: boolean;
}

export interface ResolvedGRUConfig extends ResolvedConfig {
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;
}

const SHAPE_FIELDS = ['batch', 'timesteps', 'features', 'units'] as const;
const COMMON_FIELDS = [...SHAPE_FIELDS, 'activation', 'goBackwards', 'useBias', 'useInitialState', 'strategy'];

/** Checks the fields every layer shares and that no field is unknown; `extra` are the cell's own. */
function resolveCommon(config: unknown, extra: readonly string[], flags: readonly string[]): ResolvedConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(`config: expected an object with ${SHAPE_FIELDS.join(', ')}; got ${describeValue(config)}`);
  }
  const fields = config as Record<string, unknown>;
  const known = [...COMMON_FIELDS, ...extra];
  for (const [key, value] of Object.entries(fields)) {
    if (!known.includes(key) && value !== undefined)
      throw new TypeError(`config.${key}: not a field of this layer's config; expected one of ${known.join(', ')}`);
  }
  for (const field of SHAPE_FIELDS) {
    const value = fields[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`config.${field}: expected a positive integer; got ${JSON.stringify(value)}`);
    }
  }
  for (const flag of ['goBackwards', 'useBias', 'useInitialState', ...flags]) {
    const value = fields[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`config.${flag}: expected a boolean; got ${JSON.stringify(value)}`);
    }
  }
  checkStrategyOverride(fields.strategy);
  const shape = fields as unknown as SimpleRNNConfig;
  return {
    batch: shape.batch,
    timesteps: shape.timesteps,
    features: shape.features,
    units: shape.units,
    activation: resolveActivation(fields.activation, 'config.activation'),
    goBackwards: shape.goBackwards ?? false,
    useBias: shape.useBias ?? true,
    useInitialState: shape.useInitialState ?? false,
  };
}

export function resolveConfig(config: SimpleRNNConfig): ResolvedConfig {
  return resolveCommon(config, [], []);
}

export function resolveLSTMConfig(config: LSTMConfig): ResolvedLSTMConfig {
  const common = resolveCommon(config, ['recurrentActivation', 'useInitialCellState'], ['useInitialCellState']);
  return {
    ...common,
    recurrentActivation: resolveActivation(
      config.recurrentActivation,
      'config.recurrentActivation',
      DEFAULT_RECURRENT_ACTIVATION,
    ),
    useInitialCellState: config.useInitialCellState ?? false,
  };
}

export function resolveGRUConfig(config: GRUConfig): ResolvedGRUConfig {
  const common = resolveCommon(config, ['recurrentActivation', 'resetAfter'], ['resetAfter']);
  return {
    ...common,
    recurrentActivation: resolveActivation(
      config.recurrentActivation,
      'config.recurrentActivation',
      DEFAULT_RECURRENT_ACTIVATION,
    ),
    resetAfter: config.resetAfter ?? false,
  };
}

export const describeShape = (c: RNNShape): string =>
  `[batch ${c.batch}, timesteps ${c.timesteps}, features ${c.features}, units ${c.units}]`;
