/**
 * The trainer's optimizer setting and its checks: a name as model.compile takes it ('adam', 'sgd',
 * 'rmsprop', or tfjs's 'Adam', 'SGD', 'RMSProp', with the defaults tfjs-layers gives those names), or
 * an object { type, learningRate, ... } with tf.train's settings, and Keras's gradient clipping
 * (clipNorm per tensor, globalClipNorm over all of them).
 */
import { describeValue } from '../describe-value.js';
import type { OptimizerConfig, OptimizerType } from '../kernels/trainer-optimizer.js';

/** tfjs's names for the optimizers the trainer runs, as model.compile takes them. */
export type OptimizerName = OptimizerType | 'Adam' | 'SGD' | 'RMSProp';

/** The object form: any field left out takes its optimizer's default. */
export interface OptimizerOptions {
  /** Default 'adam'. */
  readonly type?: OptimizerName;
  readonly learningRate?: number;
  /** Adam: tf.train.adam's beta1, beta2; Adam and RMSProp: epsilon. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** RMSProp: tf.train.rmsprop's decay, momentum; centered only false (see checkCentered). */
  readonly decay?: number;
  readonly momentum?: number;
  readonly centered?: boolean;
  /** Keras's clipnorm: each weight tensor's gradient g ← g · clipNorm / max(‖g‖₂, clipNorm). */
  readonly clipNorm?: number;
  /** Keras's global_clipnorm: every gradient scaled by clipNorm / max(global norm, clipNorm). */
  readonly globalClipNorm?: number;
}

/** tf.train.adam's settings. */
export type AdamConfig = Pick<OptimizerConfig, 'learningRate' | 'beta1' | 'beta2' | 'epsilon'>;

// tfjs-layers' getOptimizer: the name's settings, epsilon the backend's (1e-7 in float32).
export const ADAM_DEFAULTS: AdamConfig = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
const SGD_DEFAULTS = { learningRate: 0.01 };
const RMSPROP_DEFAULTS = { learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7 };

const NAMES: Record<string, OptimizerType> = {
  adam: 'adam',
  Adam: 'adam',
  sgd: 'sgd',
  SGD: 'sgd',
  rmsprop: 'rmsprop',
  RMSProp: 'rmsprop',
};

const OPTIMIZER_TYPES: readonly OptimizerType[] = ['adam', 'sgd', 'rmsprop'];
const CLIP_FIELDS: readonly (keyof OptimizerOptions)[] = ['clipNorm', 'globalClipNorm'];
const TITLES: Record<OptimizerType, string> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSProp' };
/** Each optimizer's own fields; clipNorm and globalClipNorm go with any. */
const OWN_FIELDS: Record<OptimizerType, readonly (keyof OptimizerOptions)[]> = {
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  sgd: ['learningRate'],
  rmsprop: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
};
const FIELDS: readonly (keyof OptimizerOptions)[] = [
  'type',
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  'decay',
  'momentum',
  'centered',
  'clipNorm',
  'globalClipNorm',
];

// Open (exclusive) or closed (inclusive) bounds of each number.
const RANGES: Partial<Record<keyof OptimizerOptions, [low: number, high: number, closedLow: boolean]>> = {
  learningRate: [0, Infinity, false],
  beta1: [0, 1, false],
  beta2: [0, 1, false],
  epsilon: [0, Infinity, false],
  decay: [0, 1, true],
  momentum: [0, 1, true],
  clipNorm: [0, Infinity, false],
  globalClipNorm: [0, Infinity, false],
};

const NAME_LIST = "'adam', 'sgd', 'rmsprop' (or tfjs's 'Adam', 'SGD', 'RMSProp')";

function typeOf(name: unknown, argument: string): OptimizerType {
  const type = typeof name === 'string' && Object.hasOwn(NAMES, name) ? NAMES[name] : undefined;
  if (!type) throw new TypeError(`${argument}: expected ${NAME_LIST}; got ${describeValue(name)}`);
  return type;
}

function checkNumber(field: keyof OptimizerOptions, value: unknown): number {
  const [low, high, closedLow] = RANGES[field]!;
  const inRange = typeof value === 'number' && (closedLow ? value >= low : value > low) && value < high;
  if (!inRange)
    throw new RangeError(
      `config.optimizer.${field}: expected a number in ${closedLow ? '[' : '('}${low}, ${high}); ` +
        `got ${describeValue(value)}`,
    );
  return value;
}

export function resolveOptimizer(given: unknown): OptimizerConfig {
  if (typeof given === 'string') return resolveOptimizer({ type: typeOf(given, 'config.optimizer') });
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given)))
    throw new TypeError(
      `config.optimizer: expected ${NAME_LIST}, an object (${FIELDS.join(', ')}) or nothing; ` +
        `got ${describeValue(given)}`,
    );
  const options = (given ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(options).filter((key) => !FIELDS.includes(key as keyof OptimizerOptions));
  if (unknown.length > 0)
    throw new TypeError(
      `config.optimizer: unknown ${unknown.map((key) => JSON.stringify(key)).join(', ')}; ` +
        `expected only ${FIELDS.join(', ')}`,
    );
  const type = options.type === undefined ? 'adam' : typeOf(options.type, 'config.optimizer.type');
  const foreign = FIELDS.find(
    (field) =>
      options[field] !== undefined &&
      field !== 'type' &&
      !CLIP_FIELDS.includes(field) &&
      !OWN_FIELDS[type].includes(field),
  );
  if (foreign) {
    const owner = OPTIMIZER_TYPES.find((other) => OWN_FIELDS[other].includes(foreign))!;
    throw new TypeError(
      `config.optimizer.${foreign}: ${TITLES[type]} has no ${foreign}; it is an ${TITLES[owner]} setting`,
    );
  }
  const defaults = type === 'adam' ? ADAM_DEFAULTS : type === 'sgd' ? SGD_DEFAULTS : RMSPROP_DEFAULTS;
  // The settings another optimizer has keep their own defaults: only `type`'s are used.
  const merged: Record<string, unknown> = { ...ADAM_DEFAULTS, ...RMSPROP_DEFAULTS, ...defaults, ...options };
  const number = (field: keyof OptimizerOptions) => checkNumber(field, merged[field]);
  checkCentered(options.centered);
  if (options.clipNorm !== undefined && options.globalClipNorm !== undefined)
    throw new TypeError(
      'config.optimizer.globalClipNorm: give clipNorm (per tensor) or globalClipNorm (over all), not both, as Keras',
    );
  const clip = (field: 'clipNorm' | 'globalClipNorm') => (options[field] === undefined ? null : number(field));
  return {
    type,
    learningRate: number('learningRate'),
    beta1: number('beta1'),
    beta2: number('beta2'),
    epsilon: number('epsilon'),
    decay: number('decay'),
    momentum: number('momentum'),
    clipNorm: clip('clipNorm'),
    globalClipNorm: clip('globalClipNorm'),
  };
}

// tfjs 4.22's centered RMSProp divides by √(ms − (mg² + ε)): after its first step that is
// √(ρ(1−ρ)·g² − ε), NaN wherever ρ(1−ρ)·g² < ε (|g| < about 1e-3 at tfjs's defaults), so tfjs itself
// turns such a model's weights NaN.
function checkCentered(centered: unknown): void {
  if (centered === undefined || centered === false) return;
  if (typeof centered !== 'boolean')
    throw new TypeError(`config.optimizer.centered: expected a boolean; got ${describeValue(centered)}`);
  throw new TypeError(
    "config.optimizer.centered: only false; tfjs's centered RMSProp takes √(ms − (mg² + ε)), " +
      'NaN wherever a gradient is small (decay·(1 − decay)·g² < ε on the first step)',
  );
}
