/**
 * A cell's fused layer, built from its definition (FusedSimpleRNN, FusedLSTM, FusedGRU: fused-layers.ts).
 * Each is built as tfjs builds its stock twin, an RNN around tfjs's own cell (twin-cell.ts for a form
 * tfjs cannot build), so the config, the weights (Keras names, shapes and order), their initializers,
 * regularizers and constraints are tfjs's; only call() differs: it runs the cell's fused op. Options
 * the kernels do not implement are refused with an error, never ignored. dropout and recurrentDropout
 * draw tfjs's masks in training (dropoutMasks) for the kernels to apply. `stateful` keeps the final
 * states as tfjs's RNN does (its states_ and resetStates(): tensors of the backend, so on webgpu they
 * stay on the GPU); `unroll` is a hint about how to run the loop, and the loop is always fused.
 */
import * as tf from '@tensorflow/tfjs';
import { describeValue } from '../describe-value.js';
import { resolveActivation } from '../kernels/activation.js';
import type { CellDefinition } from '../kernels/cell.js';
import { markFusedConfig } from './fused-layer-classes.js';
import { recurrentOp, type RecurrentOpOptions } from './recurrent-op.js';
import { twinCellClass } from './twin-cell.js';

/** How a cell's fused layer names itself: factory fusedLSTM, class FusedLSTM, stock tf.layers.lstm. */
export const fusedNames = (cell: CellDefinition) => ({
  factory: `fused${cell.className}`,
  className: `Fused${cell.className}`,
  stock: cell.id,
});

const FLAGS = ['returnSequences', 'returnState', 'goBackwards', 'useBias', 'stateful', 'unroll', 'resetAfter'] as const;

/** Throws if `args` asks for what the kernels do not implement (or is malformed), naming the option. */
export function refuseUnsupported(cell: CellDefinition, args: unknown): void {
  const names = fusedNames(cell);
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
  for (const activation of ['activation', 'recurrentActivation'] as const) {
    if (typeof config[activation] === 'string')
      resolveActivation(config[activation], `${names.factory}: ${activation}`);
  }
}

/**
 * A call's input sequence and initial states: from kwargs.initialState, or the inputs after x
 * (a functional model's).
 */
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

/** The parts of tfjs's recurrent cells that call() reads. */
interface CellWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  recurrentActivation?: { getClassName(): string };
  dropout: number;
  recurrentDropout: number;
  dropoutFunc?: (ones: tf.Tensor, rate: number) => tf.Tensor;
}

/**
 * A call's dropout masks, as tfjs's cells draw them: in training only, for a rate in (0, 1), from
 * ones of x_t's shape [B, F] and of h's [B, U], through the cell's dropoutFunc or tf.dropout; as many
 * as the cell has gates (tfjs's LSTMCell draws 4 of each, GRUCell 3), of which tfjs uses the first for
 * every gate, as the kernels do.
 */
function dropoutMasks(cell: CellDefinition, weights: CellWeights, x: tf.Tensor, units: number, training: boolean) {
  const [batch, , features] = x.shape as [number, number, number];
  const draw = (rate: number, shape: number[]): tf.Tensor | null => {
    if (!training || !(rate > 0 && rate < 1)) return null;
    const masks = Array.from({ length: cell.gates }, () =>
      weights.dropoutFunc ? weights.dropoutFunc(tf.ones(shape), rate) : tf.dropout(tf.ones(shape), rate),
    );
    return masks[0]!;
  };
  return {
    dropoutMask: draw(weights.dropout, [batch, features]),
    recurrentDropoutMask: draw(weights.recurrentDropout, [batch, units]),
  };
}

/** tf.layers' config of a recurrent layer (tf.layers.simpleRNN's, lstm's, gru's), plus resetAfter. */
export type FusedLayerArgs = Parameters<typeof tf.layers.simpleRNN>[0] & { resetAfter?: boolean };

type RNNArgs = Parameters<typeof tf.layers.rnn>[0];

/** The RNN's args: the layer's config around tfjs's cell for it (or its twin, for a form tfjs cannot build). */
function rnnArgs(cell: CellDefinition, args: FusedLayerArgs): RNNArgs {
  refuseUnsupported(cell, args);
  const stock = cell.stockBuildable({ resetAfter: args.resetAfter ?? false });
  const stockCell = tf.layers[`${cell.id}Cell` as 'simpleRNNCell'] as (a: FusedLayerArgs) => unknown;
  return { ...args, cell: stock ? stockCell(args) : new (twinCellClass(cell))(args as never) } as RNNArgs;
}

export class FusedRNN extends tf.RNN {
  /** The cell this class runs: set by each fused layer class. */
  static readonly cell: CellDefinition;
  /** Whether stock tfjs can build this layer; unset while tfjs's constructor runs (it names the layer then). */
  private stockBuildable?: boolean;
  /** Keras's GRU form (a cell with that option): the reset gate after the recurrent product. */
  readonly resetAfter: boolean;

  constructor(args: FusedLayerArgs) {
    const cell = (new.target as unknown as typeof FusedRNN).cell;
    super(rnnArgs(cell, args));
    this.resetAfter = args.resetAfter ?? false;
    this.stockBuildable = cell.stockBuildable({ resetAfter: this.resetAfter });
  }

  private get definition(): CellDefinition {
    return (this.constructor as typeof FusedRNN).cell;
  }

  /**
   * The stock class name (SimpleRNN, LSTM, GRU), so that a saved model loads without this package; the
   * fused one (FusedGRU) for a form stock tfjs cannot build. Default layer names come from the stock one.
   */
  override getClassName(): string {
    const cell = this.definition;
    return this.stockBuildable === false ? fusedNames(cell).className : cell.className;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const cell = this.definition;
      const { className } = fusedNames(cell);
      const given = callInputs(inputs, kwargs, cell.states, className);
      const { x } = given;
      // tfjs checks a stateful layer's input against its fixed batch size before call().
      const states = this.stateful && given.states[0] == null ? this.states : given.states;
      const weights = this.cell as unknown as CellWeights;
      const options: RecurrentOpOptions = {
        activation: weights.activation.getClassName() as never,
        ...(cell.options.includes('recurrentActivation')
          ? { recurrentActivation: weights.recurrentActivation!.getClassName() as never }
          : {}),
        ...(cell.options.includes('resetAfter') ? { resetAfter: this.resetAfter } : {}),
        returnSequences: this.returnSequences,
        // A stateful layer keeps its final states for the next call.
        returnState: this.returnState || this.stateful,
        goBackwards: this.goBackwards,
        initialState: states[0] ?? null,
        ...(cell.states === 2 ? { initialCellState: states[1] ?? null } : {}),
        mask: (kwargs?.mask as tf.Tensor | undefined) ?? null,
        ...dropoutMasks(cell, weights, x, weights.recurrentKernel.shape[0]!, kwargs?.training === true),
      };
      const op = recurrentOp(cell);
      const bias = weights.bias?.read() ?? null;
      const result = op(x, weights.kernel.read(), weights.recurrentKernel.read(), bias, options);
      if (!this.stateful) return result;
      const [output, ...finalStates] = result as tf.Tensor[];
      this.resetStates(finalStates, kwargs?.training === true);
      return this.returnState ? [output!, ...finalStates] : output!;
    });
  }

  /** tfjs's RNN keeps a stateful layer's states past dispose(); these go with the layer. */
  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0 && this.states_ != null) {
      tf.dispose([...this.states_, ...this.keptStates.flat()]);
      this.states_ = null as never;
      this.keptStates = [];
    }
    return result;
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
