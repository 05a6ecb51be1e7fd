/**
 * The activations the fused kernels implement: every elementwise activation tf.layers.simpleRNN
 * accepts, for activation and recurrentActivation alike. Index i here is the WGSL id
 * (`ACTIVATION = i`, `RECURRENT_ACTIVATION = i`) in src/wgsl/activation.wgsl.
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

/** Keras/tfjs default for SimpleRNN, LSTM and GRU. */
export const DEFAULT_ACTIVATION: Activation = 'tanh';

/** tfjs's default for the gates of LSTM and GRU (Keras's is 'sigmoid'). */
export const DEFAULT_RECURRENT_ACTIVATION: Activation = 'hardSigmoid';

/** The WGSL id that makes a kernel read both activation ids from its params (RUNTIME_SELECTED in activation.wgsl). */
export const RUNTIME_SELECTED_ACTIVATIONS = 255;

export function isActivation(name: unknown): name is Activation {
  return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

/** Validates an activation name, naming `argument` in the error. Undefined means `fallback` (tanh). */
export function resolveActivation(
  name: unknown,
  argument = 'activation',
  fallback: Activation = DEFAULT_ACTIVATION,
): Activation {
  if (name === undefined) return fallback;
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
