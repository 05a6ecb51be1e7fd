/**
 * The registry of cells: every cell this package runs, each one definition (cell.ts). Generic code
 * (layers, tfjs kernels, ops, fused layers, fuseModel, the trainer, the demo) takes its cells from
 * here, so adding a cell is adding its definition to this list.
 */
import type { CellDefinition } from './cell.js';
import { GRU_CELL } from './gru.js';
import { LSTM_CELL } from './lstm.js';
import { SIMPLE_RNN_CELL } from './simple-rnn.js';

export const CELLS = [SIMPLE_RNN_CELL, LSTM_CELL, GRU_CELL] as const satisfies readonly CellDefinition[];

/** A cell's id, as configs name it: 'simpleRNN', 'lstm' or 'gru'. */
export type CellId = 'simpleRNN' | 'lstm' | 'gru';

export const CELL_IDS: readonly CellId[] = CELLS.map((cell) => cell.id as CellId);

export function cellById(id: CellId): CellDefinition {
  return CELLS.find((cell) => cell.id === id)!;
}

/** The cell whose Keras class name (SimpleRNN, LSTM, GRU) or fused twin's (FusedLSTM, ...) this is. */
export function cellByClassName(className: string): CellDefinition | undefined {
  return CELLS.find((cell) => cell.className === className || `Fused${cell.className}` === className);
}
