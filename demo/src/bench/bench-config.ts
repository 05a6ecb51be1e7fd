/** What one benchmark run measures: a recurrent cell, its shape, activation and direction, and how many runs. */
import { CELL_IDS, cellById, type Activation, type CellId } from 'webgpu-rnn';

/** The cells the page times: every cell of the package's registry, by id. */
export const BENCH_CELLS = CELL_IDS;
export type BenchCell = CellId;

/** Keras's name and the gate blocks of each cell (LSTM i, f, c̃, o; GRU z, r, h̃). */
export const CELL_INFO = Object.fromEntries(
  CELL_IDS.map((id) => [id, { name: cellById(id).className, gates: cellById(id).gates }]),
) as Readonly<Record<BenchCell, { readonly name: string; readonly gates: number }>>;

export interface BenchConfig {
  readonly cell: BenchCell;
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  /** The cell's activation; LSTM and GRU gates keep tfjs's default, hardSigmoid. */
  readonly activation: Activation;
  readonly goBackwards: boolean;
  /** Timed runs after the warm-up. */
  readonly runs: number;
}

/** The seed notebook's shape, and the two large shapes of `npm run bench:kernels`; the cell is the form's. */
export const PRESETS: readonly { readonly label: string; readonly config: Omit<BenchConfig, 'cell'> }[] = [
  {
    label: 'Seed 5×3×1×50 relu',
    config: { batch: 5, timesteps: 3, features: 1, units: 50, activation: 'relu', goBackwards: false, runs: 5 },
  },
  {
    label: '32×64×16×256 tanh',
    config: { batch: 32, timesteps: 64, features: 16, units: 256, activation: 'tanh', goBackwards: false, runs: 3 },
  },
  {
    label: '8×32×32×1024 tanh',
    config: { batch: 8, timesteps: 32, features: 32, units: 1024, activation: 'tanh', goBackwards: false, runs: 3 },
  },
];

export const describeConfig = (c: BenchConfig): string =>
  `${CELL_INFO[c.cell].name} · B ${c.batch} · T ${c.timesteps} · F ${c.features} · U ${c.units} · ` +
  `${c.activation}${c.goBackwards ? ' · goBackwards' : ''}`;

/**
 * Multiply-adds ×2 of one call, as bench:kernels counts them, G times a SimpleRNN's for G gate
 * blocks: 2·G·B·T·U·(F+U) forward, 2·G·B·T·U·(3U+3F) forward + backward.
 */
export function flops(c: BenchConfig): { forward: number; forwardBackward: number } {
  const steps = 2 * CELL_INFO[c.cell].gates * c.batch * c.timesteps * c.units;
  return { forward: steps * (c.features + c.units), forwardBackward: steps * (3 * c.units + 3 * c.features) };
}
