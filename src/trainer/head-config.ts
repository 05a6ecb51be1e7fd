/**
 * The trainer's Dense head: its output activation, the loss it trains under and its metrics, checked
 * together. Each activation pairs with the losses that read it as tfjs means them: a linear head with
 * MSE or MAE, a sigmoid head with binary cross-entropy, a softmax head with categorical cross-entropy
 * (one-hot or sparse targets); the cross-entropies are computed from the logits. Anything else is
 * refused, naming both settings.
 */
import { describeValue } from '../describe-value.js';
import type { Loss } from '../kernels/trainer-loss.js';

export type OutputActivation = 'linear' | 'sigmoid' | 'softmax';
/** The trainer's loss names and tfjs's long names of MSE and MAE. */
export type LossName = Loss | 'meanSquaredError' | 'meanAbsoluteError';
/** tfjs's names of the one metric the trainer computes; 'acc' is tfjs's short name. */
export type Metric = 'accuracy' | 'acc';

export interface ResolvedHead {
  readonly outputActivation: OutputActivation;
  readonly loss: Loss;
  /** ['accuracy'] when asked for (under either name), else []. */
  readonly metrics: readonly 'accuracy'[];
}

/** The losses each head trains under, its default first (a classification head has none). */
export const HEAD_LOSSES: Readonly<Record<OutputActivation, readonly Loss[]>> = {
  linear: ['mse', 'mae'],
  sigmoid: ['binaryCrossentropy'],
  softmax: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
};

const LOSSES: Readonly<Record<string, Loss>> = {
  mse: 'mse',
  meanSquaredError: 'mse',
  mae: 'mae',
  meanAbsoluteError: 'mae',
  binaryCrossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
};

const quoted = (names: readonly string[]) => names.map((name) => `'${name}'`).join(', ');

function resolveLoss(given: unknown): Loss | undefined {
  if (given === undefined) return undefined;
  if (typeof given !== 'string' || !Object.hasOwn(LOSSES, given))
    throw new TypeError(`config.loss: expected one of ${quoted(Object.keys(LOSSES))}; got ${describeValue(given)}`);
  return LOSSES[given]!;
}

function resolveMetrics(given: unknown): readonly 'accuracy'[] {
  if (given === undefined) return [];
  if (!Array.isArray(given))
    throw new TypeError(`config.metrics: expected a list, e.g. ['accuracy']; got ${describeValue(given)}`);
  given.forEach((metric: unknown, i) => {
    if (metric !== 'accuracy' && metric !== 'acc')
      throw new TypeError(
        `config.metrics[${i}]: expected 'accuracy' (or 'acc'), the one metric the trainer computes; ` +
          `got ${describeValue(metric)}`,
      );
  });
  return given.length > 0 ? ['accuracy'] : [];
}

/** The head of `config`, its pairs checked; `outputs` is already a positive integer. */
export function resolveHead(config: {
  readonly outputs: number;
  readonly outputActivation?: unknown;
  readonly loss?: unknown;
  readonly metrics?: unknown;
}): ResolvedHead {
  const activation = config.outputActivation ?? 'linear';
  if (typeof activation !== 'string' || !Object.hasOwn(HEAD_LOSSES, activation))
    throw new TypeError(
      `config.outputActivation: expected one of ${quoted(Object.keys(HEAD_LOSSES))}; got ${describeValue(activation)}`,
    );
  const outputActivation = activation as OutputActivation;
  const losses = HEAD_LOSSES[outputActivation];
  const loss = resolveLoss(config.loss);
  if (loss === undefined && outputActivation !== 'linear')
    throw new TypeError(`config.loss: a '${outputActivation}' head needs its loss named: ${quoted(losses)}; got none`);
  if (loss !== undefined && !losses.includes(loss)) {
    const head = (Object.keys(HEAD_LOSSES) as OutputActivation[]).find((a) => HEAD_LOSSES[a].includes(loss))!;
    throw new TypeError(
      `config.loss: ${describeValue(config.loss)} goes with outputActivation '${head}'; ` +
        `this head is '${outputActivation}', which trains under ${quoted(losses)}`,
    );
  }
  if (outputActivation === 'softmax' && config.outputs === 1)
    throw new RangeError(
      "config.outputActivation: 'softmax' over 1 output is always 1, nothing to learn; " +
        "for two classes use outputActivation 'sigmoid' with loss 'binaryCrossentropy'",
    );
  const metrics = resolveMetrics(config.metrics);
  if (metrics.length > 0 && outputActivation === 'linear')
    throw new TypeError(
      "config.metrics: 'accuracy' needs a classification head (outputActivation 'sigmoid' or 'softmax'); " +
        "this head is 'linear'",
    );
  return { outputActivation, loss: loss ?? losses[0]!, metrics };
}

/** The head's activation over its outputs [rows, outputs], on the host in float64 (predict's probabilities). */
export function activateOutputs(values: Float32Array, activation: OutputActivation, outputs: number): Float32Array {
  if (activation === 'sigmoid') return values.map((z) => 1 / (1 + Math.exp(-z)));
  if (activation === 'linear') return values;
  const probabilities = new Float32Array(values.length);
  for (let row = 0; row < values.length; row += outputs) {
    const z = values.subarray(row, row + outputs);
    const m = Math.max(...z);
    const sum = z.reduce((s, v) => s + Math.exp(v - m), 0);
    z.forEach((v, k) => (probabilities[row + k] = Math.exp(v - m) / sum));
  }
  return probabilities;
}
