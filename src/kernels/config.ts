/** Configuration of one fused recurrent layer call (SimpleRNN, LSTM, GRU), in Keras terms, and its validation. */
import { describeValue } from '../describe-value.js';
import { DEFAULT_RECURRENT_ACTIVATION, resolveActivation, type Activation } from './activation.js';
import type { CellDefinition, CellOption, LayerConfig } from './cell.js';
import type { MaskForm } from './side-inputs.js';
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
  /**
   * A mask comes with the input (Keras's masking: at a dropped step a row's states carry over and its
   * output repeats): 'steps', a [batch, timesteps] buffer of 32-bit values, 0 (or -0) drops the step, any
   * other value keeps it (float32, int32 and bool data alike); or 'lengths', [batch] int32, the steps
   * t < length kept (right-padded rows, as cuDNN's and ONNX's sequence_lens). Default none.
   */
  readonly masking?: MaskForm;
  /**
   * Dropout on the input, as tfjs's cells apply it in training: a dropoutMask [batch, features] float32
   * (0 drops a feature, kept ones are scaled, e.g. 1/(1 − rate); encodeDropoutMask draws one) multiplies
   * every step's x, for every gate. Default false.
   */
  readonly inputDropout?: boolean;
  /**
   * Recurrent dropout, as tfjs's cells apply it: a recurrentDropoutMask [batch, units] float32 multiplies
   * h_{s-1} wherever the cell reads it (a GRU's blend z ⊙ h_{s-1} too, as tfjs's GRUCell; masking still
   * carries the undropped state over; LSTM's c has none). Default false.
   */
  readonly recurrentDropout?: boolean;
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
  readonly masking: MaskForm | null;
  readonly inputDropout: boolean;
  readonly recurrentDropout: boolean;
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
const COMMON_FIELDS = [
  ...SHAPE_FIELDS,
  'activation',
  'goBackwards',
  'useBias',
  'useInitialState',
  'masking',
  'inputDropout',
  'recurrentDropout',
  'strategy',
];
const MASK_FORMS: readonly MaskForm[] = ['steps', 'lengths'];
const FLAGS = [
  'goBackwards',
  'useBias',
  'useInitialState',
  'inputDropout',
  'recurrentDropout',
  'useInitialCellState',
  'resetAfter',
] as const;

/**
 * A cell's config, checked (no unknown field, each field's type) and resolved to every field a layer
 * has: the cell's own public config is the part its definition names (cellConfig).
 */
export function resolveLayerConfig(definition: Pick<CellDefinition, 'options'>, config: unknown): LayerConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(`config: expected an object with ${SHAPE_FIELDS.join(', ')}; got ${describeValue(config)}`);
  }
  const fields = config as Record<string, unknown>;
  const known = [...COMMON_FIELDS, ...definition.options];
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
  for (const flag of FLAGS) {
    const value = fields[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`config.${flag}: expected a boolean; got ${JSON.stringify(value)}`);
    }
  }
  if (fields.masking != null && !MASK_FORMS.includes(fields.masking as MaskForm)) {
    throw new TypeError(`config.masking: expected 'steps', 'lengths' or null; got ${JSON.stringify(fields.masking)}`);
  }
  checkStrategyOverride(fields.strategy);
  const shape = fields as unknown as RNNShape;
  const flag = (name: (typeof FLAGS)[number], fallback: boolean) => (fields[name] as boolean | undefined) ?? fallback;
  return {
    batch: shape.batch,
    timesteps: shape.timesteps,
    features: shape.features,
    units: shape.units,
    activation: resolveActivation(fields.activation, 'config.activation'),
    goBackwards: flag('goBackwards', false),
    useBias: flag('useBias', true),
    useInitialState: flag('useInitialState', false),
    masking: (fields.masking as MaskForm | undefined) ?? null,
    inputDropout: flag('inputDropout', false),
    recurrentDropout: flag('recurrentDropout', false),
    recurrentActivation: resolveActivation(
      fields.recurrentActivation,
      'config.recurrentActivation',
      DEFAULT_RECURRENT_ACTIVATION,
    ),
    useInitialCellState: flag('useInitialCellState', false),
    resetAfter: flag('resetAfter', false),
  };
}

/** The part of a resolved config that is the cell's public config: the common fields and its own options. */
export function cellConfig<C extends ResolvedConfig>(definition: Pick<CellDefinition, 'options'>, c: LayerConfig): C {
  const own = Object.fromEntries(definition.options.map((option: CellOption) => [option, c[option]]));
  return {
    batch: c.batch,
    timesteps: c.timesteps,
    features: c.features,
    units: c.units,
    activation: c.activation,
    goBackwards: c.goBackwards,
    useBias: c.useBias,
    useInitialState: c.useInitialState,
    masking: c.masking,
    inputDropout: c.inputDropout,
    recurrentDropout: c.recurrentDropout,
    ...own,
  } as C;
}

export const describeShape = (c: RNNShape): string =>
  `[batch ${c.batch}, timesteps ${c.timesteps}, features ${c.features}, units ${c.units}]`;
