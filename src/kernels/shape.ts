/** Sizes of one SimpleRNN call, as in Keras: x [batch, timesteps, features], state [batch, units]. */
export interface RNNShape {
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
}

export const tiles4 = (n: number): number => Math.ceil(n / 4);

/**
 * The grid of a GEMM over batch·timesteps rows in 4 × 4 tiles, with (wx, wy) tiles per workgroup:
 * x covers `columns`, y the row tiles, folded into z past `maxPerDimension`.
 */
export function rowGemmGrid(rows: number, columns: number, [wx, wy]: readonly [number, number], maxPerDimension: number): [number, number, number] {
  const rowWorkgroups = Math.ceil(tiles4(rows) / wy);
  const folds = Math.ceil(rowWorkgroups / maxPerDimension);
  return [Math.ceil(tiles4(columns) / wx), folds > 1 ? maxPerDimension : rowWorkgroups, folds];
}
