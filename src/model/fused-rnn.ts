/**
 * What FusedSimpleRNN, FusedLSTM and FusedGRU share. Each is built as tfjs builds its stock twin, an
 * RNN around tfjs's own cell, so the config, the weights (Keras names, shapes and order), their
 * initializers, regularizers and constraints are tfjs's; only call() differs: it runs the fused op.
 * Options the kernels do not implement are refused with an error, never ignored.
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { resolveActivation } from '../kernels/activation.js';
import { markFusedConfig } from './fused-layer-classes.js';

/** How a fused layer names itself in errors. */
export interface FusedLayerNames {
  /** The factory, e.g. fusedLSTM. */
  readonly factory: string;
  /** The class, e.g. FusedLSTM. */
  readonly className: string;
  /** Its stock twin's factory, e.g. lstm (tf.layers.lstm). */
  readonly stock: string;
}

const FLAGS = ['returnSequences', 'returnState', 'goBackwards', 'useBias', 'stateful', 'unroll', 'resetAfter'] as const;

/** Throws if `args` asks for what the kernels do not implement (or is malformed), naming the option. */
export function refuseUnsupported(names: FusedLayerNames, args: unknown): void {
  if (args == null || typeof args !== 'object')
    throw new TypeError(`${names.factory}: expected a config object, as for tf.layers.${names.stock}`);
  const config = args as Record<string, unknown>;
  for (const flag of FLAGS) {
    if (config[flag] !== undefined && typeof config[flag] !== 'boolean')
      throw new TypeError(`${names.factory}: ${flag}: expected a boolean; got ${describeValue(config[flag])}`);
  }
  for (const rate of ['dropout', 'recurrentDropout'] as const) {
    const value = config[rate];
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value < 1))
      throw new TypeError(`${names.factory}: ${rate}: expected a number in [0, 1); got ${describeValue(value)}`);
  }
  const unsupported = (option: string, why: string): never => {
    throw new Error(`${names.className} does not support ${option} yet (${why}); use tf.layers.${names.stock} for it`);
  };
  if (((config.dropout as number | undefined) ?? 0) > 0)
    unsupported(`dropout (${config.dropout})`, 'the kernels have no dropout mask');
  if (((config.recurrentDropout as number | undefined) ?? 0) > 0)
    unsupported(`recurrentDropout (${config.recurrentDropout})`, 'the kernels have no dropout mask');
  if (config.stateful) unsupported('stateful: true', 'states are not carried between batches');
  if (config.unroll) unsupported('unroll: true', 'the recurrence is always fused, never unrolled');
  for (const activation of ['activation', 'recurrentActivation'] as const) {
    if (typeof config[activation] === 'string')
      resolveActivation(config[activation], `${names.factory}: ${activation}`);
  }
}

/** A call's input sequence and initial states: from kwargs.initialState, or the inputs after x (a functional model's). */
function callInputs(
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
  stateCount: number,
  className: string,
): { x: tf.Tensor; states: (tf.Tensor | null)[] } {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const given = kwargs?.initialState as tf.Tensor | tf.Tensor[] | null | undefined;
  const states = given == null ? list.slice(1) : Array.isArray(given) ? given : [given];
  if (states.length > 0 && states.length !== stateCount) {
    throw new Error(
      `${className}: expected ${stateCount} initial state tensor(s) [batch, units]; got ${states.length}`,
    );
  }
  return { x: list[0]!, states: states.length > 0 ? states : Array.from({ length: stateCount }, () => null) };
}

/** The activation's name as tf.layers serializes it. */
export const activationName = (activation: { getClassName(): string }) => activation.getClassName() as never;

type RNNArgs = Parameters<typeof tf.layers.rnn>[0];

export abstract class FusedRNN extends tf.RNN {
  protected constructor(
    args: RNNArgs,
    private readonly names: FusedLayerNames,
    private readonly stateCount: number,
  ) {
    super(args);
  }

  /** The fused op on x and the initial states (null for zeros), in the layer's configuration. */
  protected abstract run(x: tf.Tensor, states: (tf.Tensor | null)[]): tf.Tensor | tf.Tensor[];

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      if (kwargs?.mask != null)
        throw new Error(
          `${this.names.className} does not support masking yet (every timestep is consumed); use tf.layers.${this.names.stock} for it`,
        );
      const { x, states } = callInputs(inputs, kwargs, this.stateCount, this.names.className);
      return this.run(x, states);
    });
  }

  /** tfjs's own config, marked so that copies made from it in this process (Bidirectional's) are fused too. */
  override getConfig(): tf.serialization.ConfigDict {
    return markFusedConfig(super.getConfig(), this.constructor as never);
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
