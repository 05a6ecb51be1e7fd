/** Configuration of one fused SimpleRNN call, in Keras terms, and its validation. */
import { resolveActivation, type Activation } from './activation.js';
import type { RNNShape } from './shape.js';
import type { Strategy } from './strategy.js';

export interface SimpleRNNConfig extends RNNShape {
  /** Elementwise activation, as in tf.layers.simpleRNN. Default 'tanh'. */
  readonly activation?: Activation;
  /** Consume the sequence from the last timestep to the first. Default false. */
  readonly goBackwards?: boolean;
  /** Whether a bias is added (and dBias produced). Default true. */
  readonly useBias?: boolean;
  /** Whether an initial state is given (otherwise zeros). Default false. */
  readonly useInitialState?: boolean;
  /** Overrides of the strategy table (src/kernels/strategy.ts). */
  readonly strategy?: Partial<Strategy>;
}

export interface ResolvedConfig extends RNNShape {
  readonly activation: Activation;
  readonly goBackwards: boolean;
  readonly useBias: boolean;
  readonly useInitialState: boolean;
}

const SHAPE_FIELDS = ['batch', 'timesteps', 'features', 'units'] as const;

export function resolveConfig(config: SimpleRNNConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`config: expected an object with ${SHAPE_FIELDS.join(', ')}; got ${String(config)}`);
  }
  for (const field of SHAPE_FIELDS) {
    const value: unknown = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`config.${field}: expected a positive integer; got ${JSON.stringify(value)}`);
    }
  }
  for (const flag of ['goBackwards', 'useBias', 'useInitialState'] as const) {
    const value: unknown = config[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`config.${flag}: expected a boolean; got ${JSON.stringify(value)}`);
    }
  }
  return {
    batch: config.batch,
    timesteps: config.timesteps,
    features: config.features,
    units: config.units,
    activation: resolveActivation(config.activation, 'config.activation'),
    goBackwards: config.goBackwards ?? false,
    useBias: config.useBias ?? true,
    useInitialState: config.useInitialState ?? false,
  };
}

export const describeShape = (c: RNNShape): string =>
  `[batch ${c.batch}, timesteps ${c.timesteps}, features ${c.features}, units ${c.units}]`;
