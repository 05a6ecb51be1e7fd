/**
 * The activations the fused kernels implement: every elementwise activation tf.layers.simpleRNN
 * accepts. Index i here is the WGSL id `ACTIVATION = i` in src/wgsl/activation.wgsl.
 */
export const ACTIVATIONS = [
  'linear',
  'tanh',
  'sigmoid',
  'relu',
  'relu6',
  'elu',
  'selu',
  'softsign',
  'softplus',
  'hardSigmoid',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
] as const;

export type Activation = (typeof ACTIVATIONS)[number];

/** Keras/tfjs default for SimpleRNN. */
export const DEFAULT_ACTIVATION: Activation = 'tanh';

export function isActivation(name: unknown): name is Activation {
  return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

/** Validates an activation name, naming `argument` in the error. Undefined means tanh. */
export function resolveActivation(name: unknown, argument = 'activation'): Activation {
  if (name === undefined) return DEFAULT_ACTIVATION;
  if (isActivation(name)) return name;
  if (name === 'softmax' || name === 'logSoftmax') {
    throw new TypeError(
      `${argument}: '${name}' normalises across units, so it is not an elementwise recurrence ` +
        `activation; use one of ${ACTIVATIONS.join(', ')}`,
    );
  }
  throw new TypeError(`${argument}: expected one of ${ACTIVATIONS.join(', ')}; got ${JSON.stringify(name)}`);
}

export function activationId(name: Activation): number {
  return ACTIVATIONS.indexOf(name);
}
