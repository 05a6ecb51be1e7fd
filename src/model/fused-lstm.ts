/**
 * FusedLSTM: a drop-in tf.layers.lstm whose whole recurrence (and gradient) runs as the fused
 * kernels through ops.lstm; an RNN around tf.layers.lstmCell (see fused-rnn.ts), so tfjs 4.22's
 * defaults hold (recurrentActivation hardSigmoid, unitForgetBias, initializers...). Weights
 * kernel [F,4U], recurrent_kernel [U,4U], bias [4U], gates i, f, c̃, o. With returnState it returns
 * [output, h, c]; initial states [h, c] come through the call. It saves as an LSTM
 * (fused-layer-classes.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { registerFusedClass } from './fused-layer-classes.js';
import { activationName, FusedRNN, refuseUnsupported } from './fused-rnn.js';
import { lstm } from './lstm-op.js';

export type FusedLSTMArgs = Parameters<typeof tf.layers.lstm>[0];

const NAMES = { factory: 'fusedLSTM', className: 'FusedLSTM', stock: 'lstm' };

/** The parts of tfjs's LSTMCell that call() reads. */
interface LSTMCellWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
}

export class FusedLSTM extends FusedRNN {
  static override className = NAMES.className;

  constructor(args: FusedLSTMArgs) {
    refuseUnsupported(NAMES, args);
    super({ ...args, cell: tf.layers.lstmCell(args) }, NAMES, 2);
    registerFusedLSTMClass();
  }

  override getClassName(): string {
    return 'LSTM';
  }

  protected run(x: tf.Tensor, [initialState, initialCellState]: (tf.Tensor | null)[]): tf.Tensor | tf.Tensor[] {
    const cell = this.cell as unknown as LSTMCellWeights;
    return lstm(x, cell.kernel.read(), cell.recurrentKernel.read(), cell.bias?.read() ?? null, {
      activation: activationName(cell.activation),
      recurrentActivation: activationName(cell.recurrentActivation),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      initialState: initialState ?? null,
      initialCellState: initialCellState ?? null,
    });
  }
}

/** Makes FusedLSTM known to tfjs's registry (fused-layer-classes.ts). Idempotent. */
export function registerFusedLSTMClass(): void {
  registerFusedClass(FusedLSTM, 'LSTM');
}

/** The factory, as tf.layers.lstm. */
export function fusedLSTM(args: FusedLSTMArgs): FusedLSTM {
  return new FusedLSTM(args);
}
