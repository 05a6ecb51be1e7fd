/**
 * From a framework's layout of one direction of one layer to Keras's. PyTorch and ONNX store a weight
 * matrix as W (x·Wᵀ), gate blocks as rows, with an input and a recurrent bias; Keras stores kernels as
 * [in, gates·units] (x·kernel), gate blocks as columns in its own order, and one bias (two rows for a
 * GRU with resetAfter).
 */

/** One direction of one layer as PyTorch and ONNX store it. */
export interface GateRows {
  readonly features: number;
  readonly units: number;
  /** [G·units, features]: gate blocks as rows, in the framework's order. */
  readonly input: ArrayLike<number>;
  /** [G·units, units] */
  readonly recurrent: ArrayLike<number>;
  /** [G·units] each; null where the framework has no bias. */
  readonly inputBias: ArrayLike<number> | null;
  readonly recurrentBias: ArrayLike<number> | null;
}

export interface KerasWeights {
  /** [features, G·units] */
  readonly kernel: Float32Array;
  /** [units, G·units] */
  readonly recurrentKernel: Float32Array;
  /** [G·units], or [2, G·units] (input row, recurrent row) when the biases stay apart; null without bias. */
  readonly bias: Float32Array | null;
}

/**
 * How the two biases become Keras's: 'sum' where both are added to the same pre-activation (LSTM,
 * SimpleRNN, a GRU whose reset gate applies before the recurrent product), 'rows' where the recurrent
 * one sits inside the reset product (GRU resetAfter).
 */
export type BiasForm = 'sum' | 'rows';

/**
 * `order[k]` is the framework's block of Keras's gate k (e.g. PyTorch's GRU r, z, n for Keras's z, r, h̃:
 * [1, 0, 2]).
 */
export function toKerasLayout(rows: GateRows, order: readonly number[], biasForm: BiasForm): KerasWeights {
  const { features: F, units: U } = rows;
  const columns = order.length * U;
  // Keras column k·U + u holds the framework's row order[k]·U + u.
  const source = (column: number) => order[Math.floor(column / U)]! * U + (column % U);
  const transpose = (matrix: ArrayLike<number>, inputs: number) => {
    const out = new Float32Array(inputs * columns);
    for (let column = 0; column < columns; column++) {
      const row = source(column) * inputs;
      for (let i = 0; i < inputs; i++) out[i * columns + column] = matrix[row + i]!;
    }
    return out;
  };
  const permute = (bias: ArrayLike<number> | null) =>
    Float64Array.from({ length: columns }, (_, c) => bias?.[source(c)] ?? 0);
  let bias: Float32Array | null = null;
  if (rows.inputBias || rows.recurrentBias) {
    const [input, recurrent] = [permute(rows.inputBias), permute(rows.recurrentBias)];
    // Summed in float64 and rounded once.
    bias =
      biasForm === 'sum'
        ? Float32Array.from(input, (b, c) => b + recurrent[c]!)
        : Float32Array.from([...input, ...recurrent]);
  }
  return { kernel: transpose(rows.input, F), recurrentKernel: transpose(rows.recurrent, U), bias };
}
