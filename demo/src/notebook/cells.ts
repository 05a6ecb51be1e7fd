/** The recurrent cells the notebook can put in the seed model, as the page names them (from the package's registry). */
import { CELL_IDS, cellById } from 'webgpu-rnn';
import type { SeedCell } from 'webgpu-rnn/tfjs';

export interface CellInfo {
  /** Keras's class name, e.g. LSTM. */
  readonly name: string;
  /** Gate blocks in its weights: it has that many times a SimpleRNN's parameters. */
  readonly gates: number;
  /** Its stock tfjs layer, e.g. tf.layers.lstm. */
  readonly stock: string;
}

export const CELLS = Object.fromEntries(
  CELL_IDS.map((id) => {
    const cell = cellById(id);
    return [id, { name: cell.className, gates: cell.gates, stock: `tf.layers.${cell.id}` }];
  }),
) as Readonly<Record<SeedCell, CellInfo>>;
