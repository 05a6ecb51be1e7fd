/** Sizes of one recurrent layer call, as in Keras: x [batch, timesteps, features], state [batch, units]. */
export interface RNNShape {
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
}

export const tiles4 = (n: number): number => Math.ceil(n / 4);

/** `count` workgroups along one axis, folded into (y, z) past `maxPerDimension` (kernels read y + z·ny). */
export function foldedGrid(count: number, maxPerDimension: number): [number, number] {
  const folds = Math.ceil(count / maxPerDimension);
  return [folds > 1 ? Math.ceil(count / folds) : count, folds];
}

/**
 * The grid of a GEMM over batch·timesteps rows in 4 × 4 tiles, with (wx, wy) tiles per workgroup:
 * x covers `columns`, y the row tiles, folded into z past `maxPerDimension`.
 */
export function rowGemmGrid(
  rows: number,
  columns: number,
  [wx, wy]: readonly [number, number],
  maxPerDimension: number,
): [number, number, number] {
  return [Math.ceil(tiles4(columns) / wx), ...foldedGrid(Math.ceil(tiles4(rows) / wy), maxPerDimension)];
}

/** Byte ranges of `sizes` bytes laid one after the other in one buffer, each starting at a multiple of `alignment`. */
export function alignedRanges(
  sizes: readonly number[],
  alignment: number,
): { ranges: { offset: number; size: number }[]; size: number } {
  let offset = 0;
  const ranges = sizes.map((size) => {
    const range = { offset, size };
    offset = Math.ceil((offset + size) / alignment) * alignment;
    return range;
  });
  return { ranges, size: offset };
}
