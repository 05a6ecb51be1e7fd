/**
 * FusedSimpleRNN: a drop-in tf.layers.simpleRNN whose whole recurrence (and gradient) runs as the
 * fused kernels through ops.simpleRNN.
 *
 * It is built exactly as tfjs builds SimpleRNN, an RNN around tf.layers.simpleRNNCell, so the
 * config, the weights (kernel [F,U], recurrent_kernel [U,U], bias [U], in that order), their
 * initializers, regularizers and constraints are tfjs's own: getWeights/setWeights and saved
 * models interchange with tf.layers.simpleRNN. Only call() differs. Options the fused kernels do
 * not implement are refused with an error, never ignored.
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { resolveActivation } from '../kernels/activation.js';
import { simpleRNN } from './simple-rnn-op.js';

export type FusedSimpleRNNArgs = Parameters<typeof tf.layers.simpleRNN>[0];

/** The parts of tfjs's SimpleRNNCell that call() reads. */
interface SimpleRNNCellWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
}

function unsupported(option: string, why: string): never {
  throw new Error(`FusedSimpleRNN does not support ${option} yet (${why}); use tf.layers.simpleRNN for it`);
}

const FLAGS = ['returnSequences', 'returnState', 'goBackwards', 'useBias', 'stateful', 'unroll'] as const;

function refuseUnsupported(args: FusedSimpleRNNArgs): void {
  if (args == null || typeof args !== 'object') throw new TypeError('fusedSimpleRNN: expected a config object, as for tf.layers.simpleRNN');
  for (const flag of FLAGS) {
    if (args[flag] !== undefined && typeof args[flag] !== 'boolean') throw new TypeError(`fusedSimpleRNN: ${flag}: expected a boolean; got ${describeValue(args[flag])}`);
  }
  for (const rate of ['dropout', 'recurrentDropout'] as const) {
    const value: unknown = args[rate];
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value < 1)) throw new TypeError(`fusedSimpleRNN: ${rate}: expected a number in [0, 1); got ${describeValue(value)}`);
  }
  if ((args.dropout ?? 0) > 0) unsupported(`dropout (${args.dropout})`, 'the kernels have no dropout mask');
  if ((args.recurrentDropout ?? 0) > 0) unsupported(`recurrentDropout (${args.recurrentDropout})`, 'the kernels have no dropout mask');
  if (args.stateful) unsupported('stateful: true', 'states are not carried between batches');
  if (args.unroll) unsupported('unroll: true', 'the recurrence is always fused, never unrolled');
  if (typeof args.activation === 'string') resolveActivation(args.activation, 'fusedSimpleRNN: activation');
}

export class FusedSimpleRNN extends tf.RNN {
  static override className = 'FusedSimpleRNN';

  constructor(args: FusedSimpleRNNArgs) {
    refuseUnsupported(args);
    super({ ...args, cell: tf.layers.simpleRNNCell(args) });
    // Bidirectional copies layers through deserialization, which needs the class registered.
    registerFusedSimpleRNNClass();
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      if (kwargs?.mask != null) unsupported('masking', 'every timestep is consumed');
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const given = kwargs?.initialState as tf.Tensor | tf.Tensor[] | null | undefined;
      const initialState = (Array.isArray(given) ? given[0] : given) ?? list[1] ?? null;
      const cell = this.cell as unknown as SimpleRNNCellWeights;
      const output = simpleRNN(list[0]!, cell.kernel.read(), cell.recurrentKernel.read(), cell.bias?.read() ?? null, {
        activation: cell.activation.getClassName() as never,
        returnSequences: this.returnSequences,
        goBackwards: this.goBackwards,
        initialState,
      });
      if (!this.returnState) return output;
      const lastState = this.returnSequences ? tf.squeeze(tf.slice(output, [0, output.shape[1]! - 1, 0], [-1, 1, -1]), [1]) : tf.clone(output);
      return [output, lastState];
    });
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

/** Makes FusedSimpleRNN known to model loading and to Bidirectional. Idempotent. */
export function registerFusedSimpleRNNClass(): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  if (!(FusedSimpleRNN.className in known)) tf.serialization.registerClass(FusedSimpleRNN);
}

/** The factory, as tf.layers.simpleRNN. */
export function fusedSimpleRNN(args: FusedSimpleRNNArgs): FusedSimpleRNN {
  return new FusedSimpleRNN(args);
}
