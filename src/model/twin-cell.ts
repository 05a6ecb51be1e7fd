/**
 * A cell in a form stock tfjs cannot build (tf.layers.gru refuses resetAfter): tfjs's own cell of the
 * same kind (its config, initializers, regularizers, constraints and activations, resolved by tfjs)
 * with the bias Keras saves for the form ([rows, gates·units]: the input row, then the recurrent row)
 * and a call() that runs the cell's step (CellDefinition.step) in stock ops, so the cell also works in
 * tf.layers.rnn. The fused layers run it through the fused op.
 */
import * as tf from '@tensorflow/tfjs';
import type { CellDefinition, LayerConfig } from '../kernels/cell.js';
import { biasRows, stockStep } from './stock-recurrence.js';

type CellArgs = Record<string, unknown> & { units: number };

/** tfjs's recurrent cells, as the twin uses them (GRUCell's type: the fields of all three, and recurrentActivation). */
type StockCell = ReturnType<typeof tf.layers.gruCell>;
type Initializer = StockCell['kernelInitializer'];
type Regularizer = StockCell['kernelRegularizer'];
type Constraint = StockCell['kernelConstraint'];

type StockCellClass = new (args: CellArgs) => StockCell;

/** tfjs's cell class of `cell`'s kind (SimpleRNNCell, LSTMCell, GRUCell), as tfjs registers it. */
export function stockCellClass(cell: CellDefinition): StockCellClass {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[`${cell.className}Cell`];
  if (!entry) throw new Error(`webgpu-rnn: tfjs has no ${cell.className}Cell`);
  return entry[0] as unknown as StockCellClass;
}

/** The options stock tfjs's cells do not take. */
const TWIN_OPTIONS = ['resetAfter'] as const;

const classes = new WeakMap<CellDefinition, StockCellClass>();

/** The twin cell class of `cell` (one per cell). */
export function twinCellClass(cell: CellDefinition): StockCellClass {
  let cls = classes.get(cell);
  if (cls) return cls;
  const Base = stockCellClass(cell);
  cls = class TwinCell extends Base {
    static className = `${cell.className}TwinCell`;
    readonly twin: Record<string, unknown>;

    constructor(args: CellArgs) {
      const stockArgs = Object.fromEntries(
        Object.entries(args).filter(([key]) => !TWIN_OPTIONS.includes(key as never)),
      );
      super(stockArgs as CellArgs);
      this.twin = Object.fromEntries(TWIN_OPTIONS.filter((key) => key in args).map((key) => [key, args[key]]));
    }

    private layerConfig(x: tf.Tensor, units: number): LayerConfig {
      return {
        batch: x.shape[0]!,
        timesteps: 1,
        features: x.shape[1]!,
        units,
        activation: this.activation.getClassName() as never,
        recurrentActivation: ((this.recurrentActivation as StockCell['activation'] | undefined)?.getClassName() ??
          'hardSigmoid') as never,
        resetAfter: Boolean(this.twin.resetAfter),
        goBackwards: false,
        useBias: this.useBias,
        useInitialState: true,
        masking: null,
        inputDropout: false,
        recurrentDropout: false,
        useInitialCellState: cell.states === 2,
      };
    }

    override build(inputShape: tf.Shape | tf.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      const columns = cell.gates * this.units;
      const rows = cell.cell({ resetAfter: Boolean(this.twin.resetAfter) }).biasRows;
      const add = (name: string, dims: number[], init: Initializer, reg: Regularizer, con: Constraint) =>
        this.addWeight(name, dims, undefined, init, reg, true, con);
      const [features, units] = [shape[shape.length - 1]!, this.units];
      this.kernel = add(
        'kernel',
        [features, columns],
        this.kernelInitializer,
        this.kernelRegularizer,
        this.kernelConstraint,
      );
      this.recurrentKernel = add(
        'recurrent_kernel',
        [units, columns],
        this.recurrentInitializer,
        this.recurrentRegularizer,
        this.recurrentConstraint,
      );
      const biasShape = rows === 1 ? [columns] : [rows, columns];
      const bias = this.useBias
        ? add('bias', biasShape, this.biasInitializer, this.biasRegularizer, this.biasConstraint)
        : null;
      this.bias = bias as never;
      this.built = true;
    }

    /** inputs: [x_t [B, F], ...states [B, U]]; returns [h', ...states']. */
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor[] {
      // The fused layer draws the dropout masks and runs the whole sequence; a step alone has none.
      if (kwargs?.training === true && (this.dropout > 0 || this.recurrentDropout > 0))
        throw new Error(`${cell.className}TwinCell applies dropout only inside Fused${cell.className}`);
      return tf.tidy(() => {
        const [x, ...states] = inputs as tf.Tensor[];
        const config = this.layerConfig(x!, this.units);
        const [inputBias, recurrentBias] = biasRows(this.bias?.read() ?? null, cell.cell(config).biasRows);
        let projection = tf.matMul(x as tf.Tensor2D, this.kernel.read() as tf.Tensor2D);
        if (inputBias) projection = tf.add(projection, inputBias);
        const next = stockStep(cell, config, this.recurrentKernel.read(), recurrentBias)(projection, states);
        return [next[0]!, ...next];
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...(this.twin as tf.serialization.ConfigDict) };
    }
  };
  classes.set(cell, cls);
  return cls;
}
