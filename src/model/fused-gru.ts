/**
 * FusedGRU: a drop-in tf.layers.gru whose whole recurrence (and gradient) runs as the fused kernels
 * through ops.gru; an RNN around tf.layers.gruCell (see fused-rnn.ts). Weights kernel [F,3U],
 * recurrent_kernel [U,3U], bias [3U], gates z, r, h̃.
 *
 * resetAfter: true is Keras's (and cuDNN's) default form, which tf.layers.gru refuses: bias [2, 3U]
 * (input row, recurrent row), on GRUResetAfterCell, so a Keras GRU's weights load with setWeights as
 * they are. Without it the layer saves as a GRU; with it, as FusedGRU, the one name stock tfjs
 * cannot load (fused-layer-classes.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { registerFusedClass } from './fused-layer-classes.js';
import { activationName, FusedRNN, refuseUnsupported } from './fused-rnn.js';
import { GRUResetAfterCell } from './gru-reset-after-cell.js';
import { gru } from './gru-op.js';

export type FusedGRUArgs = Parameters<typeof tf.layers.gru>[0] & {
  /** Keras's form: the reset gate after the recurrent product, bias [2, 3U]. Default false, as tfjs. */
  resetAfter?: boolean;
};

const NAMES = { factory: 'fusedGRU', className: 'FusedGRU', stock: 'gru' };

/** The parts of tfjs's GRUCell (and GRUResetAfterCell) that call() reads. */
interface GRUCellWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
}

export class FusedGRU extends FusedRNN {
  static override className = NAMES.className;
  readonly resetAfter: boolean;

  constructor(args: FusedGRUArgs) {
    refuseUnsupported(NAMES, args);
    super({ ...args, cell: args.resetAfter ? new GRUResetAfterCell(args) : tf.layers.gruCell(args) }, NAMES, 1);
    this.resetAfter = args.resetAfter ?? false;
    registerFusedGRUClass();
  }

  /** tfjs's Layer constructor asks before resetAfter is set: default names are gru_GRUn either way. */
  override getClassName(): string {
    return this.resetAfter ? NAMES.className : 'GRU';
  }

  protected run(x: tf.Tensor, [initialState]: (tf.Tensor | null)[]): tf.Tensor | tf.Tensor[] {
    const cell = this.cell as unknown as GRUCellWeights;
    return gru(x, cell.kernel.read(), cell.recurrentKernel.read(), cell.bias?.read() ?? null, {
      activation: activationName(cell.activation),
      recurrentActivation: activationName(cell.recurrentActivation),
      resetAfter: this.resetAfter,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      initialState: initialState ?? null,
    });
  }
}

/** Makes FusedGRU known to tfjs's registry (fused-layer-classes.ts). Idempotent. */
export function registerFusedGRUClass(): void {
  registerFusedClass(FusedGRU, 'GRU');
}

/** The factory, as tf.layers.gru (plus resetAfter). */
export function fusedGRU(args: FusedGRUArgs): FusedGRU {
  return new FusedGRU(args);
}
