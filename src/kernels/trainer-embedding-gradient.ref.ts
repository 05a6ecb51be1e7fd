/** Reference of trainer-embedding-gradient.wgsl: dTable[v, e] = Σ_{ids[p] = v} dx[p, e], in float64. */
export function trainerEmbeddingGradientRef(
  ids: ArrayLike<number>,
  dx: Float32Array,
  positions: number,
  dims: number,
  vocabulary: number,
): Float64Array {
  const dTable = new Float64Array(vocabulary * dims);
  for (let p = 0; p < positions; p++) {
    const id = ids[p]!;
    for (let e = 0; e < dims; e++) dTable[id * dims + e]! += dx[p * dims + e]!;
  }
  return dTable;
}
