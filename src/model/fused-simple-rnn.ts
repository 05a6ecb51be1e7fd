/**
 * FusedSimpleRNN: a drop-in tf.layers.simpleRNN whose whole recurrence (and gradient) runs as the
 * fused kernels through ops.simpleRNN; an RNN around tf.layers.simpleRNNCell (see fused-rnn.ts).
 * Weights kernel [F,U], recurrent_kernel [U,U], bias [U]. It saves as a SimpleRNN (fused-layer-classes.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { registerFusedClass } from './fused-layer-classes.js';
import { activationName, FusedRNN, refuseUnsupported } from './fused-rnn.js';
import { simpleRNN } from './simple-rnn-op.js';

export type FusedSimpleRNNArgs = Parameters<typeof tf.layers.simpleRNN>[0];

const NAMES = { factory: 'fusedSimpleRNN', className: 'FusedSimpleRNN', stock: 'simpleRNN' };

/** The parts of tfjs's SimpleRNNCell that call() reads. */
interface SimpleRNNCellWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
}

export class FusedSimpleRNN extends FusedRNN {
  static override className = NAMES.className;

  constructor(args: FusedSimpleRNNArgs) {
    refuseUnsupported(NAMES, args);
    super({ ...args, cell: tf.layers.simpleRNNCell(args) }, NAMES, 1);
    registerFusedSimpleRNNClass();
  }

  override getClassName(): string {
    return 'SimpleRNN';
  }

  protected run(x: tf.Tensor, [initialState]: (tf.Tensor | null)[]): tf.Tensor | tf.Tensor[] {
    const cell = this.cell as unknown as SimpleRNNCellWeights;
    const output = simpleRNN(x, cell.kernel.read(), cell.recurrentKernel.read(), cell.bias?.read() ?? null, {
      activation: activationName(cell.activation),
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      initialState: initialState ?? null,
    });
    if (!this.returnState) return output;
    const lastState = this.returnSequences
      ? tf.squeeze(tf.slice(output, [0, output.shape[1]! - 1, 0], [-1, 1, -1]), [1])
      : tf.clone(output);
    return [output, lastState];
  }
}

/** Makes FusedSimpleRNN known to tfjs's registry (fused-layer-classes.ts). Idempotent. */
export function registerFusedSimpleRNNClass(): void {
  registerFusedClass(FusedSimpleRNN, 'SimpleRNN');
}

/** The factory, as tf.layers.simpleRNN. */
export function fusedSimpleRNN(args: FusedSimpleRNNArgs): FusedSimpleRNN {
  return new FusedSimpleRNN(args);
}
