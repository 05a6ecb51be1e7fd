/**
 * The GRU cell in Keras's resetAfter form, which tfjs's GRUCell refuses: tfjs's own GRUCell (its
 * config, initializers, regularizers, constraints and activations, resolved by tfjs) with a bias of
 * [2, 3U], the input row then the recurrent row, as Keras saves it, and the reset gate applied after
 * the recurrent product (stock-gru.ts has the math). FusedGRU runs it through the fused op; call()
 * is the same step in stock ops, so the cell also works in tf.layers.rnn.
 */
import * as tf from '@tensorflow/tfjs';
import { activationName } from './fused-rnn.js';
import { gruStep } from './stock-gru.js';

type GRUCellArgs = Parameters<typeof tf.layers.gruCell>[0];
type GRUCell = ReturnType<typeof tf.layers.gruCell>;

/** tfjs's GRUCell class, as tfjs registers it for deserialization. */
const StockGRUCell = tf.serialization.SerializationMap.getMap().classNameMap.GRUCell![0] as unknown as new (
  args: GRUCellArgs,
) => GRUCell;

export class GRUResetAfterCell extends StockGRUCell {
  static className = 'GRUResetAfterCell';

  constructor(args: GRUCellArgs) {
    super({ ...args, resetAfter: false });
    // call() has no dropout masks; FusedGRU refuses dropout before it gets here.
    if (this.dropout > 0 || this.recurrentDropout > 0)
      throw new Error('GRUResetAfterCell does not support dropout or recurrentDropout');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const columns = 3 * this.units;
    this.kernel = this.addWeight(
      'kernel',
      [shape[shape.length - 1]!, columns],
      undefined,
      this.kernelInitializer,
      this.kernelRegularizer,
      true,
      this.kernelConstraint,
    );
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, columns],
      undefined,
      this.recurrentInitializer,
      this.recurrentRegularizer,
      true,
      this.recurrentConstraint,
    );
    this.bias = (
      this.useBias
        ? this.addWeight(
            'bias',
            [2, columns],
            undefined,
            this.biasInitializer,
            this.biasRegularizer,
            true,
            this.biasConstraint,
          )
        : null
    ) as never;
    this.built = true;
  }

  /** inputs: [x_t [B, F], h [B, U]]; returns [h', h']. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h] = inputs as [tf.Tensor2D, tf.Tensor2D];
      const [inputBias, recurrentBias] = this.bias
        ? tf.split(this.bias.read(), 2).map((row) => tf.reshape(row, [-1]))
        : [null, null];
      let projection = tf.matMul(x, this.kernel.read() as tf.Tensor2D);
      if (inputBias) projection = tf.add(projection, inputBias);
      const step = gruStep(this.recurrentKernel.read(), recurrentBias ?? null, {
        activation: activationName(this.activation),
        recurrentActivation: activationName(this.recurrentActivation),
        resetAfter: true,
      });
      const next = step(projection as tf.Tensor2D, h);
      return [next, next];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: true };
  }
}
