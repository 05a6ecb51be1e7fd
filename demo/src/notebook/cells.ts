/** The recurrent cells the notebook can put in the seed model, as the page names them. */
import type { SeedCell } from 'webgpu-rnn/tfjs';

export interface CellInfo {
  /** Keras's class name, e.g. LSTM. */
  readonly name: string;
  /** Gate blocks in its weights: it has that many times a SimpleRNN's parameters. */
  readonly gates: number;
  /** Its stock tfjs layer, e.g. tf.layers.lstm. */
  readonly stock: string;
}

export const CELLS: Readonly<Record<SeedCell, CellInfo>> = {
  simpleRNN: { name: 'SimpleRNN', gates: 1, stock: 'tf.layers.simpleRNN' },
  lstm: { name: 'LSTM', gates: 4, stock: 'tf.layers.lstm' },
  gru: { name: 'GRU', gates: 3, stock: 'tf.layers.gru' },
};
